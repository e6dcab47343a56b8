package dev.sentryagent.idp.core.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentryagent.idp.core.AuditEvent;
import dev.sentryagent.idp.core.AuditQuery;
import dev.sentryagent.idp.core.InvalidRequestException;
import dev.sentryagent.idp.core.Page;
import dev.sentryagent.idp.core.spi.AuditLog;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link AuditLog} must do. */
public abstract class AuditLogContract extends StoreContract {
    protected AuditLog audit;
    final Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    @BeforeEach
    void setUpAudit() {
        audit = store.auditLog();
    }

    AuditEvent exchange(Instant time, String repository, UUID agentId, String outcome) {
        return AuditEvent.builder(AuditEvent.TOKEN_EXCHANGE, outcome, time).provider("github").repository(repository)
                .ref("refs/heads/main").runId("4242").agentId(agentId).subjectTokenSha256("ab".repeat(32))
                .client("10.0.0.7", "curl/8").build();
    }

    static AuditQuery query(String type, String repository, UUID agentId, Instant since, int limit, String cursor) {
        return new AuditQuery(type, repository, agentId, since, limit, AuditQuery.decodeCursor(cursor));
    }

    @Test
    void appendThenListReturnsEveryFieldAsStoredNewestFirst() {
        UUID agent = UUID.randomUUID();
        AuditEvent older = AuditEvent.builder(AuditEvent.TOKEN_EXCHANGE, AuditEvent.DENY, t0.minusSeconds(5))
                .provider("github").repository("org/repo").ref("refs/heads/dev").error("access_denied", "Branch not permitted: x")
                .subjectTokenSha256("0f".repeat(32)).client("127.0.0.1", "curl/8").build();
        AuditEvent newer = AuditEvent.builder(AuditEvent.TOKEN_EXCHANGE, AuditEvent.ALLOW, t0).provider("github")
                .repository("org/repo").ref("refs/heads/main").runId("99").agentId(agent).policyId(UUID.randomUUID())
                .subjectTokenSha256("1e".repeat(32)).tokenJti("jti-x").kid("k").client("::1", "ua \"quoted\" ü")
                .build();
        audit.append(List.of(older, newer));
        Page<AuditEvent> page = audit.list(AuditQuery.all());
        assertThat(page.items()).containsExactly(newer, older);
        assertThat(page.nextCursor()).isNull();
    }

    @Test
    void listFiltersByTypeRepositoryAgentAndSince() {
        UUID agent = UUID.randomUUID();
        AuditEvent a = exchange(t0.minusSeconds(30), "org/a", null, AuditEvent.ALLOW);
        AuditEvent b = exchange(t0.minusSeconds(20), "org/b", agent, AuditEvent.ALLOW);
        AuditEvent c = AuditEvent.builder(AuditEvent.AGENT_DELETE, AuditEvent.OK, t0.minusSeconds(10)).agentId(agent)
                .build();
        audit.append(List.of(a, b, c));
        assertThat(audit.list(query("token.exchange", null, null, null, 50, null)).items()).containsExactly(b, a);
        assertThat(audit.list(query(null, "ORG/A", null, null, 50, null)).items()).containsExactly(a);
        assertThat(audit.list(query(null, null, agent, null, 50, null)).items()).containsExactly(c, b);
        assertThat(audit.list(query(null, null, null, t0.minusSeconds(20), 50, null)).items()).containsExactly(c, b);
        assertThat(audit.list(query("token.exchange", "org/b", agent, t0.minusSeconds(25), 50, null)).items())
                .containsExactly(b);
    }

    @Test
    void pagingWithCursorVisitsEveryEventOnceNewestFirstEvenWithEqualTimes() {
        List<AuditEvent> all = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            all.add(exchange(t0.minusSeconds(i / 2), "org/r", null, AuditEvent.ALLOW)); // pairs share a time
        }
        audit.append(all);
        List<AuditEvent> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Page<AuditEvent> page = audit.list(query(null, null, null, null, 3, cursor));
            seen.addAll(page.items());
            cursor = page.nextCursor();
            pages++;
        } while (cursor != null);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactlyInAnyOrderElementsOf(all).doesNotHaveDuplicates();
        for (int i = 1; i < seen.size(); i++) {
            assertThat(seen.get(i).time()).isBeforeOrEqualTo(seen.get(i - 1).time());
        }
    }

    @Test
    void purgeBeforeDeletesOnlyOlderEvents() {
        AuditEvent old1 = exchange(t0.minusSeconds(3600), "org/r", null, AuditEvent.ALLOW);
        AuditEvent old2 = exchange(t0.minusSeconds(1800), "org/r", null, AuditEvent.ALLOW);
        AuditEvent kept = exchange(t0, "org/r", null, AuditEvent.ALLOW);
        audit.append(List.of(old1, old2, kept));
        assertThat(audit.purgeBefore(t0.minusSeconds(60), 1)).isEqualTo(1);
        assertThat(audit.purgeBefore(t0.minusSeconds(60), 100)).isEqualTo(1);
        assertThat(audit.list(AuditQuery.all()).items()).containsExactly(kept);
    }

    @Test
    void appendWhenAFieldHoldsNulThenStoredWithReplacementAndTheRestOfTheBatchKept() {
        AuditEvent good = exchange(t0.minusSeconds(1), "org/a", null, AuditEvent.ALLOW);
        AuditEvent withNul = AuditEvent.builder(AuditEvent.TOKEN_EXCHANGE, AuditEvent.DENY, t0).provider("gh\0x")
                .error("invalid_request", "unknown provider \"gh\0x\"").client("10.0.0.7", "ua\0").build();
        audit.append(List.of(good, withNul));
        assertThat(audit.list(AuditQuery.all()).items()).containsExactly(withNul, good);
        assertThat(withNul.provider()).isEqualTo("gh\uFFFDx");
        assertThat(withNul.userAgent()).isEqualTo("ua\uFFFD");
    }

    @Test
    void listWhenRepositoryFilterHoldsNulThenInvalidRequest() {
        assertThatThrownBy(() -> query(null, "org/a\0b", null, null, 50, null))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("repository must be owner/name");
    }

    @Test
    void badTypeOrCursorThenInvalidRequest() {
        assertThatThrownBy(() -> query("token.steal", null, null, null, 50, null))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("type must be one of agent.create, agent.delete, key.rotate, policy.create, policy.delete, "
                        + "token.exchange, token.revoke, got \"token.steal\"");
        assertThatThrownBy(() -> query(null, null, null, null, 50, "garbage"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith("cursor is not one this server issued");
    }
}
