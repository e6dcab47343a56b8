package dev.sentryagent.idp.javalin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Contract v2, sections 2, 4 and 5: the admin lists' filters, where "a bad filter is 400". A
 * filter the server cannot decode must never be dropped: that answered 200 with the unfiltered list.
 */
class AdminListQueryTest extends PluginFixture {
    static final String RULE = "a % must be followed by two hexadecimal digits, and the bytes must be UTF-8";

    @BeforeAll
    void createPolicies() {
        createPolicy("repository", "octo-org/first");
        createPolicy("repository", "octo-org/second");
    }

    @Test
    void listPoliciesWhenFilterValueHasBadPercentEncodingThenInvalidRequest() {
        for (String value : List.of("%zz", "%", "%4", "ab%g1", "%ff", "%c3%28")) {
            Http.Response r = http.rawGet("/api/v1/oidc/trust-policies?repository=" + value, ADMIN);
            assertError(r, 400, "invalid_request", "query parameter repository is not valid percent-encoding: " + RULE);
        }
    }

    @Test
    void listAuditEventsWhenFilterHasBadPercentEncodingThenInvalidRequest() {
        for (String name : List.of("agentId", "type", "repository", "since", "limit", "cursor")) {
            assertError(http.rawGet("/api/v1/audit-events?" + name + "=%zz", ADMIN), 400, "invalid_request",
                    "query parameter " + name + " is not valid percent-encoding: " + RULE);
        }
        assertError(http.rawGet("/api/v1/audit-events?bogus%zz=1", ADMIN), 400, "invalid_request",
                "a query parameter name is not valid percent-encoding: " + RULE);
        assertError(http.rawGet("/api/v1/audit-events?type=policy.create&agentId=%zz&agentId=%zz", ADMIN), 400,
                "invalid_request", "query parameter agentId is not valid percent-encoding: " + RULE);
        assertError(http.rawGet("/api/v1/agents?limit=%zz", ADMIN), 400, "invalid_request",
                "query parameter limit is not valid percent-encoding: " + RULE);
    }

    @Test
    void listWhenFilterGivenTwiceThenInvalidRequestHoweverItIsEncoded() {
        assertError(http.rawGet("/api/v1/audit-events?agentId=x&agent%49d=y", ADMIN), 400, "invalid_request",
                "query parameter agentId is given more than once");
        assertError(http.rawGet("/api/v1/oidc/trust-policies?repository=a&repository=%zz", ADMIN), 400,
                "invalid_request", "query parameter repository is not valid percent-encoding: " + RULE);
    }

    @Test
    void listPoliciesWhenFilterWellEncodedThenFiltered() {
        assertThat(repositories(http.rawGet("/api/v1/oidc/trust-policies?repository=octo-org%2Fsecond", ADMIN)))
                .containsExactly("octo-org/second");
        assertThat(repositories(http.rawGet("/api/v1/oidc/trust-policies?repository=octo-org/first&&limit=5", ADMIN)))
                .containsExactly("octo-org/first");
        assertThat(repositories(http.rawGet("/api/v1/oidc/trust-policies", ADMIN)))
                .containsExactlyInAnyOrder("octo-org/first", "octo-org/second");
    }

    @Test
    void listAuditEventsWhenTypeFilterWellEncodedThenFiltered() {
        Http.Response r = http.rawGet("/api/v1/audit-events?type=policy%2Ecreate", ADMIN);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("items")).isNotEmpty()
                .allSatisfy(event -> assertThat(event.get("type").asText()).isEqualTo("policy.create"));
    }

    private static List<String> repositories(Http.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<String> repositories = new ArrayList<>();
        for (JsonNode item : r.json().get("items")) {
            repositories.add(item.get("repository").asText());
        }
        return repositories;
    }
}
