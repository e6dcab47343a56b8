/**
 * The HTTP contract over Javalin: {@link dev.sentryagent.idp.javalin.IdpPlugin} for a team's own
 * Javalin app, on any {@link dev.sentryagent.idp.core.spi.IdpStore}. The standalone server is the
 * {@code idp-server} module.
 */
package dev.sentryagent.idp.javalin;
