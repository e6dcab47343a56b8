package dev.sentryagent.idp.javalin;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.sentryagent.idp.javalin.internal.ErrorResponses;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Contract v2: "an error never echoes a submitted token, a secret". A field or parameter name is
 * quoted in an error only when it is at most 32 characters and not shaped like a JWT (two dots):
 * anything else may be a token or a secret pasted where a name belongs. Checked in the answer and
 * in the refusal's log line.
 */
class NameEchoTest extends PluginFixture {
    /** Shaped like a JWT and short enough that only its dots give it away. */
    static final String JWT_SHAPED = "eyJhbGciOi.eyJzdWIiOi.c2ln";
    /** 33 characters, no dots. */
    static final String LONG = "s3cr3t-opaque-value-0123456789abc";
    static final String NOT_REPEATED = "(its name is not repeated: it may be a secret)";

    final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeAll
    void captureRefusals() {
        log.start();
        Logger logger = (Logger) LoggerFactory.getLogger(ErrorResponses.class);
        logger.setLevel(Level.INFO);
        logger.addAppender(log);
    }

    @AfterAll
    void releaseLog() {
        Logger logger = (Logger) LoggerFactory.getLogger(ErrorResponses.class);
        logger.detachAppender(log);
        logger.setLevel(null);
    }

    /** The refusal's description, after checking that neither it nor its log line holds {@code secret}. */
    String refusedWithout(String secret, Supplier<Http.Response> request) {
        log.list.clear();
        Http.Response r = request.get();
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.error()).isEqualTo("invalid_request");
        assertThat(r.body()).doesNotContain(secret);
        assertThat(log.list).hasSize(1);
        assertThat(log.list.get(0).getFormattedMessage()).doesNotContain(secret);
        return r.description();
    }

    @Test
    void whenUnknownQueryParameterNameIsLongOrJwtShapedThenItIsNotQuoted() {
        for (String name : new String[] {LONG, JWT_SHAPED}) {
            assertThat(refusedWithout(name, () -> http.get("/api/v1/agents?" + name + "=1", ADMIN)))
                    .isEqualTo("an unknown query parameter " + NOT_REPEATED + "; allowed: limit, cursor");
        }
        String longest = LONG.substring(1);
        assertError(http.get("/api/v1/agents?" + longest + "=1", ADMIN), 400, "invalid_request",
                "unknown query parameter \"" + longest + "\"; allowed: limit, cursor");
        assertError(http.get("/api/v1/agents?a.b=1", ADMIN), 400, "invalid_request",
                "unknown query parameter \"a.b\"; allowed: limit, cursor");
    }

    @Test
    void whenQueryParameterWithSuchANameIsRepeatedOrMalformedThenItIsNotQuoted() {
        assertThat(refusedWithout(LONG, () -> http.get("/api/v1/agents?" + LONG + "=1&" + LONG + "=1", ADMIN)))
                .isEqualTo("a query parameter " + NOT_REPEATED + " is given more than once");
        assertThat(refusedWithout(JWT_SHAPED, () -> http.rawGet("/api/v1/agents?" + JWT_SHAPED + "=%zz", ADMIN)))
                .isEqualTo("a query parameter " + NOT_REPEATED + " is not valid percent-encoding: a % must be "
                        + "followed by two hexadecimal digits, and the bytes must be UTF-8");
    }

    @Test
    void whenUnknownJsonFieldNameIsLongOrJwtShapedThenItIsNotQuoted() {
        assertThat(refusedWithout(JWT_SHAPED, () -> http.postJson("/api/v1/oidc/token",
                "{\"token\": \"x\", \"" + JWT_SHAPED + "\": 1}", null)))
                .isEqualTo("an unknown field " + NOT_REPEATED + "; allowed fields: agentId, audience, provider, scope, "
                        + "token");
        assertThat(refusedWithout(LONG, () -> http.postJson("/api/v1/agents", "{\"" + LONG + "\": 1}", ADMIN)))
                .isEqualTo("an unknown field " + NOT_REPEATED + "; allowed fields: description, name");
        assertThat(refusedWithout(LONG, () -> http.postJson("/api/v1/oidc/trust-policies",
                "{\"repository\": \"octo-org/octo-repo\", \"conditions\": {\"" + LONG + "\": 1}}", ADMIN)))
                .isEqualTo("an unknown field in conditions " + NOT_REPEATED + "; allowed fields of conditions: refs, "
                        + "environments, workflows, jobWorkflows, events, refProtected, runnerEnvironment");
    }

    @Test
    void whenFormParameterWithSuchANameIsRepeatedThenItIsNotQuoted() {
        assertThat(refusedWithout(JWT_SHAPED, () -> http.send("POST", "/api/v1/oidc/token",
                "application/x-www-form-urlencoded", JWT_SHAPED + "&" + JWT_SHAPED, null)))
                .isEqualTo("a parameter " + NOT_REPEATED + " is given more than once");
        assertThat(refusedWithout(LONG, () -> http.send("POST", "/api/v1/oidc/revoke",
                "application/x-www-form-urlencoded", "token=a&" + LONG + "=1&" + LONG + "=2", null)))
                .isEqualTo("a parameter " + NOT_REPEATED + " is given more than once");
    }
}
