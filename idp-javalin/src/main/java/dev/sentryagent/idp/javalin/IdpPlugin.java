package dev.sentryagent.idp.javalin;

import dev.sentryagent.idp.core.AuditTrail;
import dev.sentryagent.idp.core.TokenExchanger;
import dev.sentryagent.idp.core.spi.IdpStore;
import dev.sentryagent.idp.javalin.internal.AuditedStore;
import dev.sentryagent.idp.javalin.internal.ErrorResponses;
import dev.sentryagent.idp.javalin.internal.MethodOverrides;
import dev.sentryagent.idp.javalin.internal.Housekeeping;
import dev.sentryagent.idp.javalin.internal.Routes;
import io.javalin.config.JavalinConfig;
import io.javalin.config.JavalinState;
import io.javalin.plugin.Plugin;
import jakarta.servlet.DispatcherType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.eclipse.jetty.ee10.servlet.FilterHolder;

/**
 * The routes of the HTTP contract as a Javalin plugin, for a team's own Javalin app:
 *
 * <pre>{@code
 * Javalin.create(config -> config.registerPlugin(IdpPlugin.builder()
 *         .exchanger(exchanger).store(store).adminToken(AdminToken.parse(secret)).build()));
 * }</pre>
 *
 * <p>Every route answers errors as RFC 6749-style JSON and never echoes a submitted token.
 * Method override headers ({@code X-HTTP-Method-Override} and the like) are removed from every
 * request of the app before routing: the method is the request line's.
 * Without an admin token, the admin routes answer 503 and say why.
 *
 * <p>Audit: admin changes, revocations and rotations are recorded by the plugin's
 * {@link AuditTrail} (its own on the store's audit log, unless {@link Builder#auditTrail} gives
 * one). Exchange outcomes are recorded when the exchanger was built with the same trail as its
 * {@link TokenExchanger.Builder#listener listener}. The plugin purges expired revocations and old
 * audit events every minute while the server runs, and closes the trail when it stops.
 */
public final class IdpPlugin extends Plugin<Void> {
    /** The largest request body the routes read (64 KiB); a larger one is answered 413. */
    public static final int MAX_BODY_BYTES = 64 * 1024;

    private final Routes routes;
    private final AuditTrail audit;
    private final Housekeeping housekeeping;

    private IdpPlugin(Builder b) {
        this.audit = b.auditTrail != null ? b.auditTrail : AuditTrail.builder().log(b.store.auditLog()).build();
        IdpStore audited = new AuditedStore(b.store, audit);
        this.routes = new Routes(b.exchanger, audited, b.adminToken, openApiDocument(), audit, b.introspectionToken,
                b.trustedProxies);
        this.housekeeping = new Housekeeping(b.store.revocations(), audit, Clock.systemUTC(), Duration.ofMinutes(1));
    }

    /** @return a builder; the exchanger and the store are required */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void onInitialize(JavalinState state) {
        // Before Javalin sees the request: its Context.method() honours X-HTTP-Method-Override.
        state.jetty.modifyServletContextHandler(context -> context.addFilter(
                new FilterHolder(new MethodOverrides()), "/*", EnumSet.of(DispatcherType.REQUEST)));
        routes.register(state.routes);
        state.events.serverStarted(housekeeping::start);
        state.events.serverStopped(() -> {
            housekeeping.close();
            audit.close();
        });
    }

    /**
     * The trail that records this plugin's audit events.
     *
     * @return the trail
     */
    public AuditTrail auditTrail() {
        return audit;
    }

    @Override
    public String name() {
        return "sentryagent-idp";
    }

    /**
     * True when this plugin's route for the request refuses it on its {@code Authorization} header
     * alone: an admin route without the admin token (401, or 503 where admin routes are off), agent
     * registration without a bearer token (401). The contract checks these before reading any body,
     * so a server that reads bodies ahead of the routes (the standalone server reads them
     * asynchronously) should hand such a request on without reading its body. False for every
     * other request, and until the plugin is registered.
     *
     * @param method the request's method, as sent (no override header honoured)
     * @param path the request's path
     * @param authorizationHeader the request's {@code Authorization} header, or null
     * @return whether the request is refused before its body is read
     */
    public boolean refusedOnCredentials(String method, String path, String authorizationHeader) {
        return routes.refusedOnCredentials(method, path, authorizationHeader);
    }

    /**
     * Makes the whole app answer in the contract's error body where no route of this plugin does:
     * 404 for a path no route matches, 405 for a method a path does not take (with
     * {@code prefer405over404}; its {@code Allow} header lists the methods the path takes), and a
     * bare 500 for an exception nobody handled. For an app that is only this IdP, like the
     * standalone server; an app with routes of its own keeps its pages.
     *
     * @param config the app's configuration, from {@code Javalin.create(config -> ...)}
     */
    public static void answerUnmatchedWithContractErrors(JavalinConfig config) {
        ErrorResponses.answerUnmatched(config.routes);
    }

    /**
     * The OpenAPI 3.1 document of the contract, as served at {@code /api/v1/openapi.json}.
     *
     * @return the document, as JSON text
     */
    public static String openApiDocument() {
        try (InputStream in = IdpPlugin.class.getResourceAsStream("openapi.json")) {
            return new String(Objects.requireNonNull(in, "openapi.json is missing from the jar").readAllBytes(),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Settings of an {@link IdpPlugin}: the exchanger and the store are required. */
    public static final class Builder {
        private TokenExchanger exchanger;
        private IdpStore store;
        private AdminToken adminToken;
        private AdminToken introspectionToken;
        private AuditTrail auditTrail;
        private TrustedProxies trustedProxies = TrustedProxies.NONE;

        private Builder() {
        }

        /**
         * @param exchanger the exchanger the token route calls
         * @return this builder
         */
        public Builder exchanger(TokenExchanger exchanger) {
            this.exchanger = exchanger;
            return this;
        }

        /**
         * The store whose trust policies and agents the admin routes manage (the exchanger's own).
         *
         * @param store the store
         * @return this builder
         */
        public Builder store(IdpStore store) {
            this.store = store;
            return this;
        }

        /**
         * The administrator's secret; without one the admin routes answer 503.
         *
         * @param adminToken the secret, or null
         * @return this builder
         */
        public Builder adminToken(AdminToken adminToken) {
            this.adminToken = adminToken;
            return this;
        }

        /**
         * A second secret, for resource servers, that may call the introspection endpoint and
         * nothing else (validated like the admin token); the admin token may introspect too.
         *
         * @param introspectionToken the secret, or null
         * @return this builder
         */
        public Builder introspectionToken(AdminToken introspectionToken) {
            this.introspectionToken = introspectionToken;
            return this;
        }

        /**
         * The trail for audit events; pass the same one to the exchanger's {@code listener}.
         *
         * @param auditTrail the trail, or null for one of the plugin's own on the store's audit log
         * @return this builder
         */
        public Builder auditTrail(AuditTrail auditTrail) {
            this.auditTrail = auditTrail;
            return this;
        }

        /**
         * The proxies whose {@code X-Forwarded-For} names the client in audit events; default none.
         *
         * @param trustedProxies the proxies, or null for none
         * @return this builder
         */
        public Builder trustedProxies(TrustedProxies trustedProxies) {
            this.trustedProxies = trustedProxies == null ? TrustedProxies.NONE : trustedProxies;
            return this;
        }

        /**
         * @return the plugin
         * @throws IllegalArgumentException without an exchanger or a store
         */
        public IdpPlugin build() {
            if (exchanger == null || store == null) {
                throw new IllegalArgumentException("exchanger and store are required");
            }
            return new IdpPlugin(this);
        }
    }
}
