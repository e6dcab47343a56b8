package dev.sentryagent.idp.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentryagent.idp.core.Agent;
import dev.sentryagent.idp.core.DuplicatePolicyException;
import dev.sentryagent.idp.core.RepositoryIds;
import dev.sentryagent.idp.core.TrustPolicy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The candidate lists every exchange reads are cached per server and must change on every server
 * the moment a policy changes through any of them: two stores on one database stand for two
 * servers, and server A has always read (and so cached) the candidates before server B changes them.
 */
class JdbcPolicyCacheTest {
    private static final String REPO = "Octo-Org/Cached";

    /** Two stores on one database, both closed afterwards. */
    private static void withTwoServers(String database, ServerPair test) throws Exception {
        String url;
        String user;
        String password;
        if (database.equals("postgres")) {
            TestDatabases.postgresStore().close(); // migrated and emptied
            url = TestDatabases.postgresUrl();
            user = TestDatabases.postgresUser();
            password = TestDatabases.postgresPassword();
        } else {
            url = TestDatabases.h2Url();
            user = "";
            password = "";
        }
        try (JdbcStore a = JdbcStore.create(url, user, password); JdbcStore b = JdbcStore.create(url, user, password)) {
            test.run(a, b, sql -> {
                try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
                    return s.executeUpdate(sql);
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
    }

    private interface ServerPair {
        void run(JdbcStore a, JdbcStore b, Function<String, Integer> bySql) throws Exception;
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void policyDeletedOnBIsNoLongerACandidateOnA(String database) throws Exception {
        withTwoServers(database, (a, b, bySql) -> {
            TrustPolicy policy = a.trustPolicies().create(TrustPolicy.create("github", REPO, "main", null));
            assertThat(a.trustPolicies().findCandidates("github", "octo-org/cached", null)).containsExactly(policy);

            assertThat(b.trustPolicies().delete(policy.id())).isTrue();

            assertThat(a.trustPolicies().findCandidates("github", "octo-org/cached", null)).isEmpty();
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void policyCreatedOnBIsACandidateOnAAtOnceEvenWhereANoneWasCached(String database) throws Exception {
        withTwoServers(database, (a, b, bySql) -> {
            assertThat(a.trustPolicies().findCandidates("github", REPO, null)).isEmpty();

            TrustPolicy created = b.trustPolicies().create(TrustPolicy.create("github", REPO, null, null));

            assertThat(a.trustPolicies().findCandidates("github", REPO, null)).containsExactly(created);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void idsPinnedOnBAreSeenOnA(String database) throws Exception {
        withTwoServers(database, (a, b, bySql) -> {
            a.trustPolicies().create(TrustPolicy.create("github", REPO, "main", null));
            assertThat(a.trustPolicies().findCandidates("github", REPO, null).get(0).pinnedIds()).isEmpty();

            b.trustPolicies().pinRepositoryIds("github", REPO, new RepositoryIds(42, 7));

            assertThat(a.trustPolicies().findCandidates("github", REPO, null).get(0).pinnedIds())
                    .contains(new RepositoryIds(42, 7));
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void agentDeletedOnBTakesItsPoliciesOffAToo(String database) throws Exception {
        withTwoServers(database, (a, b, bySql) -> {
            Agent agent = a.agents().create(Agent.create("cached-agent", null, "admin"));
            a.trustPolicies().create(TrustPolicy.create("github", REPO, "main", agent.id()));
            assertThat(a.trustPolicies().findCandidates("github", REPO, agent.id())).hasSize(1);

            assertThat(b.agents().delete(agent.id())).isTrue();

            assertThat(a.trustPolicies().findCandidates("github", REPO, agent.id())).isEmpty();
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void duplicateOnBStillNamesTheExistingPolicyAndChangesNothing(String database) throws Exception {
        withTwoServers(database, (a, b, bySql) -> {
            TrustPolicy policy = a.trustPolicies().create(TrustPolicy.create("github", REPO, "main", null));
            assertThat(a.trustPolicies().findCandidates("github", REPO, null)).containsExactly(policy);

            assertThatThrownBy(() -> b.trustPolicies().create(TrustPolicy.create("github", REPO, "main", null)))
                    .isInstanceOfSatisfying(DuplicatePolicyException.class,
                            e -> assertThat(e.existingId()).isEqualTo(policy.id()));

            assertThat(a.trustPolicies().findCandidates("github", REPO, null)).containsExactly(policy);
        });
    }

    /**
     * What the cache is for, and the one way around it: a change made in SQL without adding one to
     * the revision is not seen (A answers from memory, no policy read per call); adding one, as
     * migration 34 tells operators to, makes every server read the policies again.
     */
    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void aChangeInSqlCountsOnceTheRevisionIsBumped(String database) throws Exception {
        withTwoServers(database, (a, b, bySql) -> {
            TrustPolicy policy = a.trustPolicies().create(TrustPolicy.create("github", REPO, "main", null));
            assertThat(a.trustPolicies().findCandidates("github", REPO, null)).containsExactly(policy);

            assertThat(bySql.apply("DELETE FROM oidc_trust_policies WHERE repository_key = 'octo-org/cached'")).isEqualTo(1);
            assertThat(a.trustPolicies().findCandidates("github", REPO, null)).as("cached").containsExactly(policy);

            assertThat(bySql.apply("UPDATE oidc_policy_revision SET revision = revision + 1 WHERE id = 1")).isEqualTo(1);
            assertThat(a.trustPolicies().findCandidates("github", REPO, null)).isEmpty();
        });
    }
}
