package dev.sentryagent.idp.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.sentryagent.idp.core.AccessDeniedException;
import dev.sentryagent.idp.core.DuplicatePolicyException;
import dev.sentryagent.idp.core.ExchangeRequest;
import dev.sentryagent.idp.core.GitHubProvider;
import dev.sentryagent.idp.core.RepositoryIds;
import dev.sentryagent.idp.core.TokenExchanger;
import dev.sentryagent.idp.core.TrustConditions;
import dev.sentryagent.idp.core.TrustPolicy;
import dev.sentryagent.idp.testkit.FakeOidcIssuer;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/** Rows written by version 1 (schema 22) keep working after migration 23. */
class TrustPolicyMigrationTest {
    static final String IDP = "https://idp.example.test";

    @Test
    void version1RowWhenMigratedThenReadExchangedAndStillUnique() throws Exception {
        UUID pinned = UUID.randomUUID();
        UUID anyBranch = UUID.randomUUID();
        try (HikariDataSource ds = new HikariDataSource()) {
            ds.setJdbcUrl(TestDatabases.h2Url());
            Flyway.configure().dataSource(ds).locations(JdbcStore.MIGRATIONS).table(JdbcStore.HISTORY_TABLE)
                    .target("22").load().migrate();
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.execute("INSERT INTO oidc_trust_policies (id, provider, repository, repository_key, branch, branch_key, "
                        + "agent_id, agent_key, repository_id, repository_owner_id, created_at) VALUES ('" + pinned
                        + "', 'github', 'Octo-Org/Octo-Repo', 'octo-org/octo-repo', 'main', 'main', NULL, '', 100, 200, "
                        + "1764547200000)");
                s.execute("INSERT INTO oidc_trust_policies (id, provider, repository, repository_key, branch, branch_key, "
                        + "agent_id, agent_key, repository_id, repository_owner_id, created_at) VALUES ('" + anyBranch
                        + "', 'github', 'octo-org/octo-repo', 'octo-org/octo-repo', NULL, '', NULL, '', NULL, NULL, "
                        + "1764547201000)");
            }
            try (JdbcStore store = JdbcStore.builder().dataSource(ds).build();
                 FakeOidcIssuer github = FakeOidcIssuer.start(IDP)) {
                TrustPolicy v1 = store.trustPolicies().findById(pinned).orElseThrow();
                assertThat(v1.branch()).isEqualTo("main");
                assertThat(v1.conditions()).isEqualTo(TrustConditions.NONE);
                assertThat(v1.audiences()).isNull();
                assertThat(v1.tokenTtl()).isNull();
                assertThat(v1.pinnedIds()).contains(new RepositoryIds(100, 200));

                TokenExchanger exchanger = TokenExchanger.builder().issuer(IDP).store(store)
                        .provider(GitHubProvider.builder().issuer(github.issuer()).audience(IDP).build()).build();
                assertThat(exchanger.exchange(ExchangeRequest.bootstrap("github", github.token().mint())).policyId())
                        .isEqualTo(pinned);
                // The branch-less v1 policy now admits any branch, not tags.
                assertThat(exchanger.exchange(ExchangeRequest.bootstrap("github",
                        github.token().branch("feature/x").mint())).policyId()).isEqualTo(anyBranch);
                assertThatThrownBy(() -> exchanger.exchange(ExchangeRequest.bootstrap("github",
                        github.token().tag("v1").mint()))).isInstanceOf(AccessDeniedException.class)
                        .hasMessageStartingWith("Branch not permitted: ref refs/tags/v1 is not a branch");
                // The unpinned sibling was pinned to the repository's ids.
                assertThat(store.trustPolicies().findById(anyBranch).orElseThrow().pinnedIds())
                        .contains(new RepositoryIds(100, 200));

                assertThatThrownBy(() -> store.trustPolicies().create(TrustPolicy.create("github", "octo-org/octo-repo",
                        "main", null))).isInstanceOfSatisfying(DuplicatePolicyException.class,
                        e -> assertThat(e.existingId()).isEqualTo(pinned));
                TrustPolicy conditioned = store.trustPolicies().create(TrustPolicy.builder("github", "octo-org/octo-repo")
                        .branch("main").conditions(TrustConditions.builder().events(List.of("push")).build()).build());
                assertThat(store.trustPolicies().findCandidates("github", "octo-org/octo-repo", null))
                        .extracting(TrustPolicy::id).containsExactlyInAnyOrder(pinned, anyBranch, conditioned.id());
            }
        }
    }
}
