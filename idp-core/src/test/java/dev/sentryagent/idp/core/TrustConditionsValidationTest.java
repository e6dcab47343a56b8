package dev.sentryagent.idp.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Validation of the version 2 fields of a trust policy: each message names the field and the rule. */
class TrustConditionsValidationTest {

    static Arguments refused(UnaryOperator<TrustConditions.Builder> conditions, String message) {
        return Arguments.of(conditions, message);
    }

    static Stream<Arguments> invalidConditions() {
        return Stream.of(
                refused(c -> c.refs(List.of()), "conditions.refs must hold 1 to 20 entries, got 0"),
                refused(c -> c.refs(Collections.nCopies(21, "refs/heads/main")),
                        "conditions.refs must hold 1 to 20 entries, got 21"),
                refused(c -> c.refs(List.of("main")), "conditions.refs patterns must start with refs/heads/ or "
                        + "refs/tags/ and name at least one more character, got \"main\""),
                refused(c -> c.refs(List.of("refs/heads/")), "conditions.refs patterns must start with refs/heads/ "
                        + "or refs/tags/ and name at least one more character, got \"refs/heads/\""),
                refused(c -> c.refs(List.of("refs/pull/*/merge")), "conditions.refs patterns must start with "
                        + "refs/heads/ or refs/tags/ and name at least one more character, got \"refs/pull/*/merge\""),
                refused(c -> c.refs(List.of("refs/tags/v[0-9]*")), "conditions.refs must not contain '[': patterns "
                        + "know only *, ** and ?, got \"refs/tags/v[0-9]*\""),
                refused(c -> c.refs(List.of("refs/heads/{main,dev}")), "conditions.refs must not contain '{': "
                        + "patterns know only *, ** and ?, got \"refs/heads/{main,dev}\""),
                refused(c -> c.refs(List.of("refs/heads/a\\*")), "conditions.refs must not contain '\\': patterns "
                        + "know only *, ** and ?, got \"refs/heads/a\\*\""),
                refused(c -> c.environments(List.of(" ")), "conditions.environments entries must be non-empty strings"),
                refused(c -> c.environments(List.of("prod\nx")), "conditions.environments entries must not contain "
                        + "control characters, got \"prod?x\""),
                refused(c -> c.workflows(List.of(".github/workflows/deploy.yml@refs/heads/main")),
                        "conditions.workflows entries must be a workflow file's path in the repository, like "
                                + ".github/workflows/deploy.yml (no leading / and no @ref), got "
                                + "\".github/workflows/deploy.yml@refs/heads/main\""),
                refused(c -> c.jobWorkflows(List.of("org/shared/.github/workflows/release.yml")),
                        "conditions.jobWorkflows entries must be owner/repo/path@ref, like "
                                + "org/shared/.github/workflows/release.yml@refs/heads/main, got "
                                + "\"org/shared/.github/workflows/release.yml\""),
                refused(c -> c.jobWorkflows(List.of("org/release.yml@refs/heads/main")),
                        "conditions.jobWorkflows entries must be owner/repo/path@ref, like "
                                + "org/shared/.github/workflows/release.yml@refs/heads/main, got "
                                + "\"org/release.yml@refs/heads/main\""),
                refused(c -> c.jobWorkflows(List.of("org/shared/x.yml@refs/heads/[a]")),
                        "conditions.jobWorkflows must not contain '[': patterns know only *, ** and ?, got "
                                + "\"refs/heads/[a]\""),
                refused(c -> c.events(List.of("pull_request_target")), "conditions.events must not list "
                        + "pull_request_target: its runs are always refused (a fork's code with the base repository's "
                        + "identity)"),
                refused(c -> c.events(List.of("Push")), "conditions.events entries must be event names (lower-case "
                        + "letters, digits and _), got \"Push\""),
                refused(c -> c.refProtected(false), "conditions.refProtected must be true or absent: false would not "
                        + "restrict anything"),
                refused(c -> c.runnerEnvironment("windows"), "conditions.runnerEnvironment must be one of "
                        + "github-hosted, gitlab-hosted, self-hosted, got \"windows\""));
    }

    @ParameterizedTest
    @MethodSource("invalidConditions")
    void buildWhenConditionInvalidThenRefusedNamingFieldAndRule(UnaryOperator<TrustConditions.Builder> conditions,
                                                                String message) {
        assertThatThrownBy(() -> conditions.apply(TrustConditions.builder()).build())
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage(message);
    }

    @Test
    void conditionsWhenEveryEntryIsValidButTheStoredJsonIsTooLongThenRefusedNamingConditions() {
        // '\u20ac' takes six characters in the stored JSON: each entry passes, the whole does not fit.
        List<String> environments = Collections.nCopies(20, "\u20ac".repeat(255));
        List<String> refs = Collections.nCopies(20, "refs/heads/" + "\u20ac".repeat(244));
        TrustConditions.Builder builder = TrustConditions.builder().environments(environments).refs(refs);
        assertThat(builder.build().toJson().length()).isLessThan(65_535);

        builder.events(List.of("push")).workflows(Collections.nCopies(20, ".github/workflows/" + "\u20ac".repeat(60) + ".yml"));

        assertThatThrownBy(builder::build)
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageMatching("conditions must take at most 65535 characters as stored \\(JSON, where some "
                        + "characters take six\\), got 6\\d{4}: use fewer or shorter entries");
    }

    @Test
    void createWhenBranchAndRefsTogetherThenRefused() {
        assertThatThrownBy(() -> TrustPolicy.builder("github", "org/repo").branch("main")
                .conditions(TrustConditions.builder().refs(List.of("refs/tags/v*")).build()).build())
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("branch and conditions.refs cannot be combined: branch \"main\" means conditions.refs "
                        + "[\"refs/heads/main\"]; give one of them");
    }

    @Test
    void createWhenBranchIsATagRefThenRefusedPointingAtRefs() {
        assertThatThrownBy(() -> TrustPolicy.create("github", "org/repo", "refs/tags/v1", null))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("branch must be a branch name, not a ref: for tags and other refs use conditions.refs, "
                        + "got \"refs/tags/v1\"");
    }

    @Test
    void createWhenBranchIsHeadThenRefused() {
        assertThatThrownBy(() -> TrustPolicy.create("github", "org/repo", "HEAD", null))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("branch must name a branch, not HEAD, got \"HEAD\"");
    }

    @Test
    void createWhenAudiencesInvalidThenRefused() {
        assertThatThrownBy(() -> TrustPolicy.builder("github", "org/repo").audiences(List.of()).build())
                .hasMessage("audiences must hold 1 to 10 entries, got 0");
        assertThatThrownBy(() -> TrustPolicy.builder("github", "org/repo")
                .audiences(Collections.nCopies(11, "https://a.example")).build())
                .hasMessage("audiences must hold 1 to 10 entries, got 11");
        assertThatThrownBy(() -> TrustPolicy.builder("github", "org/repo").audiences(List.of("http://deploy.example"))
                .build()).hasMessage("audiences entries must be absolute https URIs (plain http only on loopback), "
                + "got \"http://deploy.example\"");
        assertThatThrownBy(() -> TrustPolicy.builder("github", "org/repo").audiences(List.of("deploy")).build())
                .hasMessage("audiences entries must be absolute https URIs (plain http only on loopback), got \"deploy\"");
        assertThat(TrustPolicy.builder("github", "org/repo").audiences(List.of("http://localhost:8080")).build()
                .audiences()).containsExactly("http://localhost:8080");
    }

    @Test
    void createWhenTokenTtlOutOfBoundsThenRefused() {
        assertThatThrownBy(() -> TrustPolicy.builder("github", "org/repo").tokenTtl(Duration.ofSeconds(59)).build())
                .hasMessage("tokenTtl must be between PT1M and PT1H, got PT59S");
        assertThatThrownBy(() -> TrustPolicy.builder("github", "org/repo").tokenTtl(Duration.ofMinutes(61)).build())
                .hasMessage("tokenTtl must be between PT1M and PT1H, got PT1H1M");
        assertThat(TrustPolicy.builder("github", "org/repo").tokenTtl(Duration.ofHours(1)).build().tokenTtl())
                .isEqualTo(Duration.ofHours(1));
    }

    @Test
    void conditionsRoundTripThroughTheirStorageForm() {
        TrustConditions conditions = TrustConditions.builder()
                .refs(List.of("refs/heads/main", "refs/tags/v*"))
                .environments(List.of("production"))
                .workflows(List.of(".github/workflows/deploy.yml"))
                .jobWorkflows(List.of("org/shared/.github/workflows/release.yml@refs/heads/main"))
                .events(List.of("push"))
                .refProtected(true)
                .runnerEnvironment("self-hosted")
                .build();
        assertThat(TrustConditions.fromJson(conditions.toJson())).isEqualTo(conditions);
        assertThat(TrustConditions.fromJson(null)).isSameAs(TrustConditions.NONE);
    }

    @Test
    void identityKeyWhenVersion1PolicyThenShapeKeyEmpty() {
        assertThat(TrustPolicy.create("github", "org/repo", "main", null).shapeKey()).isEmpty();
        assertThat(TrustPolicy.builder("github", "org/repo").tokenTtl(Duration.ofMinutes(5)).build().shapeKey())
                .hasSize(64);
    }
}
