package dev.sentryagent.idp.server;

import dev.sentryagent.idp.core.AuditTrail;
import dev.sentryagent.idp.core.GitHubProvider;
import dev.sentryagent.idp.core.GitLabProvider;
import dev.sentryagent.idp.core.OidcProviderBuilder;
import dev.sentryagent.idp.core.TokenExchanger;
import dev.sentryagent.idp.core.UnavailableException;
import dev.sentryagent.idp.javalin.IdpPlugin;
import dev.sentryagent.idp.jdbc.JdbcStore;
import io.javalin.Javalin;
import java.io.IOException;
import java.time.Duration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
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
    /** How long a stop waits for the requests in progress to finish. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private final Javalin app;
    private final JdbcStore store;
    private final TokenExchanger exchanger;

    private IdpServer(Javalin app, JdbcStore store, TokenExchanger exchanger) {
        this.app = app;
        this.store = store;
        this.exchanger = exchanger;
    }

    /**
     * Starts the server from the environment ({@link ServerConfig#fromEnvironment(java.util.Map)}) and
     * stops it on shutdown. A bad setting, or a host and port that cannot be bound, exits with status
     * 2, an unreachable store with status 1, each with one line on standard error.
     *
     * @param args ignored: the server is configured by environment variables only
     */
    public static void main(String[] args) {
        ServerConfig config;
        IdpServer server;
        try {
            config = ServerConfig.fromEnvironment(System.getenv());
            CryptoProviders.installFromEnvironment(System.getenv()); // before the first key is made or read
            server = start(config);
        } catch (IllegalArgumentException e) {
            exit(2, "idp-server: " + e.getMessage());
            return;
        } catch (UnavailableException e) {
            exit(1, "idp-server: IDP_DB_URL: " + e.getMessage());
            return;
        } catch (IllegalStateException e) {
            exit(1, "idp-server: " + e.getMessage());
            return;
        } catch (java.io.UncheckedIOException e) { // e.g. the H2 database's directory cannot be created
            exit(1, "idp-server: IDP_DB_URL: " + e.getMessage() + ": " + e.getCause());
            return;
        } catch (org.flywaydb.core.api.FlywayException e) {
            exit(1, "idp-server: IDP_DB_URL: the database's schema cannot be migrated: " + e.getMessage());
            return;
        }
        // The one shutdown hook, in order: requests in progress finish, the audit trail drains into
        // the store, the store closes (H2 is kept open for it), and only then logging stops, so
        // every line and event of the last requests is written (logback's own hook is off).
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } finally {
                stopLogging();
            }
        }, "idp-server-stop"));
    }

    private static void exit(int status, String line) {
        stopLogging(); // the lines of the start so far, before the one saying why it stops
        System.err.println(line);
        System.exit(status);
    }

    /** Writes what the logging appenders still hold and stops them. */
    private static void stopLogging() {
        if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context) {
            context.stop();
        }
    }

    /**
     * Starts a server; {@link #close()} stops it and its store.
     *
     * @param config the settings
     * @return the running server, listening on {@link #port()}
     * @throws UnavailableException when the store cannot be reached
     * @throws IllegalArgumentException when the configured host and port cannot be bound (in use, or
     *     no interface has that address), in one sentence naming {@code IDP_HOST/IDP_PORT}
     */
    public static IdpServer start(ServerConfig config) {
        JdbcStore store = JdbcStore.builder().url(config.dbUrl()).user(config.dbUser()).password(config.dbPassword())
                .keyEncryptionKey(config.keyEncryptionKey())
                .keepH2OpenUntilClosed() // close() writes the last requests and audit events, then closes it
                .build();
        try {
            AuditTrail audit = AuditTrail.builder().log(store.auditLog()).retention(config.auditRetention()).build();
            TokenExchanger.Builder exchangerBuilder = TokenExchanger.builder()
                    .issuer(config.issuer())
                    .store(store)
                    .tokenTtl(config.tokenTtl())
                    .signingAlgorithm(config.signingAlgorithm())
                    .listener(audit);
            for (ProviderSettings p : config.providers()) {
                exchangerBuilder.provider(ProviderSettings.GITLAB.equals(p.type())
                        ? configure(GitLabProvider.builder(), p, config.clockSkew()).build()
                        : configure(GitHubProvider.builder(), p, config.clockSkew()).build());
            }
            TokenExchanger exchanger = exchangerBuilder.build();
            exchanger.accessTokenIssuer().jwksJson(); // creates the first signing key now, not on the first request
            IdpPlugin plugin = IdpPlugin.builder().exchanger(exchanger).store(store).adminToken(config.adminToken())
                    .introspectionToken(config.introspectionToken()).auditTrail(audit)
                    .trustedProxies(config.trustedProxies()).build();
            Javalin app = Javalin.create(javalin -> {
                HttpSettings.apply(javalin);
                // Javalin puts its servlet context inside the handler the server already has.
                javalin.jetty.modifyServer(jetty -> {
                    // Graceful: on stop, new requests are refused and those in progress finish (up
                    // to STOP_TIMEOUT) before the audit trail and the store close behind them.
                    jetty.setHandler(new GracefulHandler(new RequestGate(IdpPlugin.MAX_BODY_BYTES,
                            config.requestTimeout(), plugin::refusedOnCredentials)));
                    jetty.setStopTimeout(STOP_TIMEOUT.toMillis());
                    // What Jetty refuses itself (malformed HTTP, oversized headers) answers JSON too.
                    jetty.setErrorHandler(new ContractErrorHandler(IdpPlugin.MAX_BODY_BYTES, config.requestTimeout()));
                });
                // Javalin's own connector, plus the deadline on request headers that Jetty lacks.
                javalin.jetty.addConnector((jetty, http) -> {
                    ServerConnector connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
                    connector.setHost(config.host());
                    connector.setPort(config.port());
                    connector.addBean(new HeaderDeadline(config.requestTimeout(), connector.getScheduler()));
                    bind(connector);
                    return connector;
                });
                javalin.http.prefer405over404 = true;
                javalin.registerPlugin(plugin);
                IdpPlugin.answerUnmatchedWithContractErrors(javalin);
            }).start();
            LOG.info("SentryAgent IdP listening on port {} host={} store={} issuer={} providers={} admin-routes={} crypto={}",
                    app.port(), config.host(), store.description(), config.issuer(), config.providers().stream()
                            .map(p -> p.name() + "(" + p.type() + " " + p.issuer() + ")").toList(),
                    config.adminToken() == null ? "off (set IDP_ADMIN_TOKEN)" : "on", CryptoProviders.inUse());
            return new IdpServer(app, store, exchanger);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /**
     * Binds the connector's socket now, before Javalin starts the server (Jetty's start uses the
     * open socket): a failure here leaves Javalin's start without its error log and
     * {@code JavalinBindException} ("Port already in use", whatever the cause), as one sentence
     * naming the variables and the system's reason.
     */
    private static void bind(ServerConnector connector) {
        try {
            connector.open();
        } catch (IOException e) {
            Throwable cause = e;
            while (cause.getCause() != null) {
                cause = cause.getCause();
            }
            String host = connector.getHost().contains(":") ? "[" + connector.getHost() + "]" : connector.getHost();
            throw new IllegalArgumentException("IDP_HOST/IDP_PORT: cannot bind " + host + ":" + connector.getPort()
                    + ": " + (cause.getMessage() != null ? cause.getMessage() : cause.toString()));
        }
    }

    /**
     * A provider builder set from {@code p}. Its keys are fetched on the first token that needs them,
     * not here: an instance unreachable at start answers 503 for its own tokens and is retried,
     * while the server and every other provider run.
     */
    private static <B extends OidcProviderBuilder<B>> B configure(B builder, ProviderSettings p, Duration skew) {
        builder.name(p.name()).issuer(p.issuer()).audience(p.audience()).clockSkew(skew);
        if (p.jwksUrl() != null) {
            builder.jwksUri(p.jwksUrl());
        }
        return builder;
    }

    /** The server's own logging configuration, unless the operator gives one (before any logger exists). */
    private static void configureLogging() {
        if (System.getProperty("logback.configurationFile") == null
                && IdpServer.class.getResource("/logback.xml") == null
                && IdpServer.class.getResource("/logback-test.xml") == null) {
            System.setProperty("logback.configurationFile", "dev/sentryagent/idp/server/server-logback.xml");
        }
    }

    /** @return the port the server listens on (the chosen one when configured with 0) */
    public int port() {
        return app.port();
    }

    /** @return the exchanger the server's routes call */
    public TokenExchanger exchanger() {
        return exchanger;
    }

    /** @return the store the server runs on, closed by {@link #close()} */
    public JdbcStore store() {
        return store;
    }

    @Override
    public void close() {
        app.stop();
        store.close();
    }

}
