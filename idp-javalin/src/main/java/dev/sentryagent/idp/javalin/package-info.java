/**
 * The HTTP contract over Javalin: {@link dev.sentryagent.idp.javalin.IdpPlugin} for a team's own
 * Javalin app, and {@link dev.sentryagent.idp.javalin.IdpServer}, the standalone server.
 */
package dev.sentryagent.idp.javalin;
