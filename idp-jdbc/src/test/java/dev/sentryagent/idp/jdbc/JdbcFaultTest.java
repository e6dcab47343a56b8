package dev.sentryagent.idp.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentryagent.idp.core.Agent;
import dev.sentryagent.idp.core.PageRequest;
import dev.sentryagent.idp.core.TrustPolicy;
import dev.sentryagent.idp.core.TrustPolicyQuery;
import dev.sentryagent.idp.core.UnavailableException;
import dev.sentryagent.idp.testkit.LocalPostgres;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** PostgreSQL stopped and restarted under a running pool: errors while down, no wrong answers, nothing lost. */
class JdbcFaultTest {
    static LocalPostgres postgres;

    @BeforeAll
    static void start() {
        postgres = LocalPostgres.start(); // its own server: this test stops it
    }

    @AfterAll
    static void stop() {
        postgres.close();
    }

    @Test
    void postgresRestartedUnderPoolThenUnavailableWhileDownAndEverythingBackAfter() throws Exception {
        try (JdbcStore store = JdbcStore.builder().url(postgres.jdbcUrl()).user(postgres.user())
                .connectionTimeout(Duration.ofSeconds(1)).build()) {
            Agent agent = store.agents().create(Agent.create("survivor", null, "admin"));
            List<TrustPolicy> committed = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                committed.add(store.trustPolicies().create(TrustPolicy.create("github", "org/repo-" + i, null, null)));
            }
            committed.add(store.trustPolicies().create(TrustPolicy.create("github", "org/repo-0", "main", agent.id())));

            postgres.stop();

            assertUnavailable(() -> store.trustPolicies().findCandidates("github", "org/repo-0", null));
            assertUnavailable(() -> store.trustPolicies().findById(committed.get(0).id()));
            assertUnavailable(() -> store.trustPolicies().create(TrustPolicy.create("github", "org/new", null, null)));
            assertUnavailable(() -> store.agents().findById(agent.id()));
            assertUnavailable(() -> store.replayGuard().firstUse("iss", "jti", Instant.now().plusSeconds(60)));
            assertUnavailable(() -> store.replayGuard().firstUse("iss", "jti", Instant.now(), Instant.now().plusSeconds(60)));
            assertUnavailable(() -> store.replayGuard().wasUsed("iss", "jti", Instant.now()));
            assertUnavailable(() -> store.signingKeys().loadAll());
            assertUnavailable(() -> {
                store.checkHealth();
                return null;
            });

            postgres.restart();

            awaitHealthy(store);
            assertThat(store.trustPolicies().list(TrustPolicyQuery.all(PageRequest.first(50))).items())
                    .containsExactlyInAnyOrderElementsOf(committed);
            assertThat(store.trustPolicies().findCandidates("github", "org/repo-0", null)).containsExactly(committed.get(0));
            assertThat(store.agents().findById(agent.id())).contains(agent);
            assertThat(store.replayGuard().firstUse("iss", "jti-" + UUID.randomUUID(), Instant.now().plusSeconds(60)))
                    .isTrue();
        }
    }

    static void assertUnavailable(java.util.concurrent.Callable<?> call) {
        assertThatThrownBy(call::call)
                .isInstanceOf(UnavailableException.class)
                .hasMessage("The store is unavailable; try again later");
    }

    static void awaitHealthy(JdbcStore store) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                store.checkHealth();
                return;
            } catch (UnavailableException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }
}
