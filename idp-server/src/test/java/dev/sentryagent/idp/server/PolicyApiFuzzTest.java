package dev.sentryagent.idp.server;

import static dev.sentryagent.idp.javalin.Http.map;
import static dev.sentryagent.idp.server.TokenEndpointFuzzTest.assertRefusedWithErrorBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sentryagent.idp.javalin.Http;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Thousands of mutated trust-policy bodies and queries against the policy API of the real server,
 * from a seeded generator (a failure names its seed and case, so it replays exactly): JSON
 * structure mutations, wrong types, huge and odd strings, unknown fields in {@code conditions},
 * glob patterns with metacharacters. Every answer is a 201 with the policy or a 4xx with the
 * contract's error body, never a 500.
 */
class PolicyApiFuzzTest extends ServerFixture {
    static final String ADMIN = "policy-fuzz-admin-secret-0123456789-abcd";
    static final String PATH = "/api/v1/oidc/trust-policies";
    static final long SEED = Long.getLong("fuzz.seed", 20261201L);
    static final int POLICY_CASES = Integer.getInteger("fuzz.policies", 3000);
    static final int QUERY_CASES = Integer.getInteger("fuzz.queries", 500);
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final String[] FIELDS = {"provider", "repository", "branch", "agentId", "repositoryId",
        "repositoryOwnerId", "conditions", "audiences", "tokenTtl"};
    static final String[] CONDITIONS = {"refs", "environments", "workflows", "jobWorkflows", "events",
        "refProtected", "runnerEnvironment"};
    static final String[] ODD_STRINGS = {"", " ", "*", "**", "?", "[", "]", "{", "}", "\\", "\\\\", "..", "/", "//",
        "refs/", "refs/heads/", "refs/heads/*", "refs/heads/**", "refs/tags/v[0-9]", "refs/heads/{a,b}",
        "refs/heads/a\\*", "refs/heads/(a|b)", "refs/heads/.*", "refs/heads/^$", "refs/heads/%s%n", "HEAD",
        "refs/pull/1/merge", "\u0000", "\u202E", "\u2028", "\uFEFF", "\uD83D\uDE00", "\uD800", "é", "null", "NaN",
        "-1", "1e400", "PT0S", "PT1M", "PT1H", "PT61M", "P1D", "https://", "http://127.0.0.1:1/x", "https://a b/",
        "javascript:alert(1)", "org/shared/.github/workflows/r.yml@refs/heads/*", "a@b@c", "@", "o/r", "O/R",
        "octo-org/repo", "-a/b", "a/..", "github", "gitlab", "GITHUB", "pull_request_target", "workflow_run",
        "github-hosted", "self-hosted", "00000000-0000-0000-0000-000000000000", "not-a-uuid"};

    String agentId;

    PolicyApiFuzzTest() {
        super(ADMIN);
    }

    @BeforeAll
    void createData() {
        Http.Response agent = http.postJson("/api/v1/agents", map("name", "fuzz"), ADMIN);
        assertThat(agent.status()).isEqualTo(201);
        agentId = agent.json().get("agentId").asText();
    }

    @Test
    void whenPolicyBodiesAreMutatedThenEveryAnswerIs201OrA4xxError() {
        Random random = new Random(SEED);
        int created = 0;
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < POLICY_CASES; i++) {
            ObjectNode policy = validPolicy(random, i);
            String body;
            if (random.nextInt(50) == 0) {
                int depth = 500 + random.nextInt(5000); // past the parser's nesting limit, too
                body = "{\"repository\":\"o/r\",\"conditions\":{\"refs\":" + "[".repeat(depth)
                        + "]".repeat(depth) + "}}";
            } else if (random.nextInt(4) == 0) {
                body = TokenEndpointFuzzTest.mutate(policy.toString(), random);
            } else {
                int edits = 1 + random.nextInt(3);
                for (int e = 0; e < edits; e++) {
                    mutate(policy, random);
                }
                body = policy.toString();
            }
            String what = "seed " + SEED + " case " + i + " body " + body;
            Http.Response r;
            try {
                r = random.nextInt(10) == 0 ? http.postJson(PATH + "/evaluate", body, ADMIN)
                        : http.postJson(PATH, body, ADMIN);
            } catch (AssertionError noAnswer) {
                throw new AssertionError(what.substring(0, Math.min(what.length(), 300)) + ": " + noAnswer.getMessage(),
                        noAnswer);
            }
            statuses.add(r.status());
            if (r.status() == 201) {
                created++;
                assertThat(r.json().path("id").isTextual()).as(what).isTrue();
                assertThat(r.header("Location")).as(what).isEqualTo(PATH + "/" + r.json().get("id").asText());
                continue;
            }
            if (r.status() == 200) {
                assertThat(r.json().path("decision").asText()).as(what).isEqualTo("deny");
                continue;
            }
            assertRefusedWithErrorBody(r, what);
        }
        // The generator reaches both sides: valid policies are created and broken ones refused.
        assertThat(created).isGreaterThan(POLICY_CASES / 20);
        assertThat(statuses).filteredOn(s -> s == 400).hasSizeGreaterThan(POLICY_CASES / 4);
    }

    @Test
    void whenListQueriesAreMutatedThenEveryAnswerIs200OrA4xxError() {
        Random random = new Random(SEED + 2);
        String[] params = {"agentId", "repository", "provider", "limit", "cursor", "unknown"};
        for (int i = 0; i < QUERY_CASES; i++) {
            StringBuilder query = new StringBuilder();
            int n = random.nextInt(4);
            for (int p = 0; p < n; p++) {
                query.append(p == 0 ? "?" : "&").append(params[random.nextInt(params.length)]).append('=')
                        .append(URLEncoder.encode(oddString(random), StandardCharsets.UTF_8));
            }
            Http.Response r = http.get(PATH + query, ADMIN);
            String what = "seed " + (SEED + 2) + " case " + i + " query " + query;
            if (r.status() == 200) {
                assertThat(r.json().path("items").isArray()).as(what).isTrue();
                continue;
            }
            assertRefusedWithErrorBody(r, what);
        }
    }

    /** A policy the server accepts (unique repository per case), before mutation. */
    ObjectNode validPolicy(Random random, int i) {
        ObjectNode p = NODES.objectNode();
        p.put("provider", "github");
        p.put("repository", "fuzz-org/repo-" + i);
        if (random.nextBoolean()) {
            p.put("branch", "main");
        } else {
            ObjectNode c = p.putObject("conditions");
            c.putArray("refs").add("refs/heads/release/*").add("refs/tags/v*");
            c.putArray("environments").add("production");
            c.putArray("workflows").add(".github/workflows/deploy.yml");
            c.putArray("jobWorkflows").add("org/shared/.github/workflows/release.yml@refs/heads/main");
            c.putArray("events").add("push").add("workflow_dispatch");
            c.put("refProtected", true);
            c.put("runnerEnvironment", "github-hosted");
        }
        if (random.nextBoolean()) {
            p.put("agentId", agentId);
        }
        if (random.nextBoolean()) {
            p.putArray("audiences").add("https://deploy.example.com");
            p.put("tokenTtl", "PT5M");
        }
        return p;
    }

    /** One structural edit: wrong type, odd or huge string, unknown field, removal, nesting, list change. */
    static void mutate(ObjectNode policy, Random random) {
        ObjectNode target = policy;
        String[] names = FIELDS;
        if (policy.get("conditions") instanceof ObjectNode conditions && random.nextBoolean()) {
            target = conditions;
            names = CONDITIONS;
        }
        String name = names[random.nextInt(names.length)];
        switch (random.nextInt(9)) {
            case 0 -> target.set(name, randomValue(random, 0));
            case 1 -> target.put(name, oddString(random));
            case 2 -> target.put("x-" + oddString(random), 1); // unknown field
            case 3 -> target.remove(name);
            case 4 -> target.put(name, "a".repeat(1 + random.nextInt(60_000))); // under the 64 KiB body limit
            case 5 -> {
                ArrayNode list = target.putArray(name);
                int n = random.nextInt(25);
                for (int k = 0; k < n; k++) {
                    list.add(random.nextInt(5) == 0 ? randomValue(random, 1) : NODES.textNode(oddString(random)));
                }
            }
            case 6 -> {
                ObjectNode nested = target.putObject(name);
                nested.set(CONDITIONS[random.nextInt(CONDITIONS.length)], randomValue(random, 1));
            }
            case 7 -> target.set(name, deep(random.nextInt(900)));
            default -> target.putNull(name);
        }
    }

    static JsonNode randomValue(Random random, int depth) {
        return switch (random.nextInt(depth > 2 ? 6 : 8)) {
            case 0 -> NODES.numberNode(random.nextLong());
            case 1 -> NODES.numberNode(random.nextDouble() * 1e300);
            case 2 -> NODES.booleanNode(random.nextBoolean());
            case 3 -> NODES.nullNode();
            case 4 -> NODES.textNode(oddString(random));
            case 5 -> NODES.numberNode(new java.math.BigInteger(200, random));
            case 6 -> NODES.arrayNode().add(randomValue(random, depth + 1)).add(randomValue(random, depth + 1));
            default -> NODES.objectNode().set(oddString(random), randomValue(random, depth + 1));
        };
    }

    static JsonNode deep(int depth) {
        JsonNode node = NODES.textNode("x");
        for (int d = 0; d < depth; d++) {
            node = NODES.arrayNode().add(node);
        }
        return node;
    }

    static String oddString(Random random) {
        String base = ODD_STRINGS[random.nextInt(ODD_STRINGS.length)];
        return random.nextInt(3) == 0 ? base + ODD_STRINGS[random.nextInt(ODD_STRINGS.length)] : base;
    }
}
