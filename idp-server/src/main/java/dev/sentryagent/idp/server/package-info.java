/**
 * The standalone server: {@link dev.sentryagent.idp.server.IdpServer}, the
 * {@link dev.sentryagent.idp.javalin.IdpPlugin} on a {@link dev.sentryagent.idp.jdbc.JdbcStore},
 * configured by environment variables ({@link dev.sentryagent.idp.server.ServerConfig}); shipped as
 * the runnable {@code idp-server.jar}.
 */
package dev.sentryagent.idp.server;
