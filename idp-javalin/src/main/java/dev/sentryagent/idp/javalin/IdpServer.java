package dev.sentryagent.idp.javalin;

import dev.sentryagent.idp.core.AuditTrail;
import dev.sentryagent.idp.core.ErrorCode;
import dev.sentryagent.idp.core.GitHubProvider;
import dev.sentryagent.idp.core.TokenExchanger;
import dev.sentryagent.idp.core.UnavailableException;
import dev.sentryagent.idp.javalin.internal.HttpSettings;
import dev.sentryagent.idp.javalin.internal.Json;
import dev.sentryagent.idp.javalin.internal.Routes;
import dev.sentryagent.idp.jdbc.JdbcStore;
import io.javalin.Javalin;
import io.javalin.http.Handler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standalone server: the {@link IdpPlugin} on a JDBC store, configured by environment
 * variables ({@link ServerConfig}). {@code java -jar idp-server.jar}.
 */
public final class IdpServer implements AutoCloseable {
    static {
        configureLogging(); // before the first logger exists
    }

    private static final Logger LOG = LoggerFactory.getLogger(IdpServer.class);
    private final Javalin app;
    private final JdbcStore store;
    private final TokenExchanger exchanger;

    private IdpServer(Javalin app, JdbcStore store, TokenExchanger exchanger) {
        this.app = app;
        this.store = store;
        this.exchanger = exchanger;
    }

    public static void main(String[] args) {
        ServerConfig config;
        IdpServer server;
        try {
            config = ServerConfig.fromEnvironment(System.getenv());
            server = start(config);
        } catch (IllegalArgumentException e) {
            System.err.println("idp-server: " + e.getMessage());
            System.exit(2);
            return;
        } catch (UnavailableException e) {
            System.err.println("idp-server: IDP_DB_URL: " + e.getMessage());
            System.exit(1);
            return;
        } catch (IllegalStateException e) {
            System.err.println("idp-server: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "idp-server-stop"));
    }

    /** Starts a server; {@link #close()} stops it and its store. */
    public static IdpServer start(ServerConfig config) {
        JdbcStore store = JdbcStore.builder().url(config.dbUrl()).user(config.dbUser()).password(config.dbPassword())
                .keyEncryptionKey(config.keyEncryptionKey()).build();
        try {
            GitHubProvider.Builder github = GitHubProvider.builder().issuer(config.githubIssuer())
                    .audience(config.audience()).clockSkew(config.clockSkew());
            if (config.githubJwksUrl() != null) {
                github.jwksUri(config.githubJwksUrl());
            }
            AuditTrail audit = AuditTrail.builder().log(store.auditLog()).retention(config.auditRetention()).build();
            TokenExchanger exchanger = TokenExchanger.builder()
                    .issuer(config.issuer())
                    .provider(github.build())
                    .store(store)
                    .tokenTtl(config.tokenTtl())
                    .signingAlgorithm(config.signingAlgorithm())
                    .listener(audit)
                    .build();
            exchanger.jwksJson(); // creates the first signing key now, not on the first request
            IdpPlugin plugin = IdpPlugin.builder().exchanger(exchanger).store(store).adminToken(config.adminToken())
                    .introspectionToken(config.introspectionToken()).auditTrail(audit)
                    .trustedProxies(config.trustedProxies()).build();
            Javalin app = Javalin.create(javalin -> {
                HttpSettings.apply(javalin);
                javalin.http.prefer405over404 = true;
                javalin.registerPlugin(plugin);
                javalin.routes.error(404, orDefault(ctx -> ctx.status(404).contentType("application/json")
                        .result(Json.write(Json.error(ErrorCode.NOT_FOUND.wireName(), "No route " + ctx.method() + " "
                                + ctx.path())))));
                javalin.routes.error(405, orDefault(ctx -> ctx.status(405).contentType("application/json")
                        .result(Json.write(Json.error("method_not_allowed", "Method " + ctx.method()
                                + " is not allowed on " + ctx.path())))));
                javalin.routes.exception(Exception.class, (e, ctx) -> {
                    LOG.error("unexpected failure on {} {}", ctx.method(), ctx.path(), e);
                    ctx.status(500).contentType("application/json")
                            .result(Json.write(Json.error(ErrorCode.SERVER_ERROR.wireName(), "Internal server error")));
                });
            }).start(config.port());
            LOG.info("SentryAgent IdP listening on port {} store={} issuer={} github-issuer={} admin-routes={}",
                    app.port(), store.description(), config.issuer(), config.githubIssuer(),
                    config.adminToken() == null ? "off (set IDP_ADMIN_TOKEN)" : "on");
            return new IdpServer(app, store, exchanger);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** Our routes write their own errors (a 404 for an unknown agent, say): replace only Javalin's own. */
    private static Handler orDefault(Handler fallback) {
        return ctx -> {
            if (ctx.attribute(Routes.ANSWERED) == null) {
                fallback.handle(ctx);
            }
        };
    }

    /** The server's own logging configuration, unless the operator gives one (before any logger exists). */
    private static void configureLogging() {
        if (System.getProperty("logback.configurationFile") == null
                && IdpServer.class.getResource("/logback.xml") == null
                && IdpServer.class.getResource("/logback-test.xml") == null) {
            System.setProperty("logback.configurationFile", "dev/sentryagent/idp/javalin/server-logback.xml");
        }
    }

    public int port() {
        return app.port();
    }

    public TokenExchanger exchanger() {
        return exchanger;
    }

    public JdbcStore store() {
        return store;
    }

    @Override
    public void close() {
        app.stop();
        store.close();
    }

}
