package dev.sentryagent.idp.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TrustPolicyValidationTest {

    @Test
    void createWhenBranchHasRefsHeadsPrefixThenRefusedSayingWhatToWrite() {
        assertThatThrownBy(() -> TrustPolicy.create("github", "org/repo", "refs/heads/main", null))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("branch must be the branch name without refs/heads/: write \"main\", got \"refs/heads/main\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-x", "a..b", "a b", "a~1", "a^", "a:b", "a?", "a*", "a[", "a\\b", "a/", "/a", "a//b",
            "a.lock", ".a", "a/.b", "@", "a@{1}", "a."})
    void createWhenBranchInvalidThenRefused(String branch) {
        assertThatThrownBy(() -> TrustPolicy.create("github", "org/repo", branch, null))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith("branch must be a valid git branch name, got ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"main", "release/1.x", "feature/JIRA-1_fix", "dependabot/npm_and_yarn/x-1.2.3"})
    void createWhenBranchValidThenKeptAsGiven(String branch) {
        assertThat(TrustPolicy.create("github", "org/repo", branch, null).branch()).isEqualTo(branch);
    }

    @ParameterizedTest
    @ValueSource(strings = {"repo", "org/", "/repo", "org/repo/x", "-org/repo", "org-/repo", "o--rg/repo", "org/re po",
            "org/..", "org/.", "org/repo;drop", "a234567890123456789012345678901234567890/repo"})
    void createWhenRepositoryInvalidThenRefused(String repository) {
        assertThatThrownBy(() -> TrustPolicy.create("github", repository, null, null))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith("repository must be owner/name, got ");
    }

    @Test
    void createWhenRepositoryIdNotPositiveThenRefused() {
        assertThatThrownBy(() -> TrustPolicy.create("github", "org/repo", null, null, 0L, 1L))
                .hasMessage("repositoryId must be a positive number, got 0");
    }

    @Test
    void createWhenProviderInvalidThenRefused() {
        assertThatThrownBy(() -> TrustPolicy.create("GitHub", "org/repo", null, null))
                .hasMessage("provider must be lower-case letters, digits and hyphens, got \"GitHub\"");
    }

    @Test
    void identityKeyIgnoresRepositoryCase() {
        assertThat(TrustPolicy.create("github", "Org/Repo", "main", null).identityKey())
                .isEqualTo(TrustPolicy.create("github", "org/repo", "main", null).identityKey());
    }

    @Test
    void agentWhenNameHasControlCharactersOrDescriptionNulThenRefused() {
        assertThatThrownBy(() -> Agent.create("a\u0000b", null, "admin"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("name must not contain control, format or separator characters, got U+0000 at index 1");
        assertThatThrownBy(() -> Agent.create("ab", "x\u0000", "admin"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("description must not contain control, format or separator characters, got U+0000 at index 1");
    }

    @Test
    void agentWhenNameOrDescriptionHasFormatOrSeparatorCharactersThenRefused() {
        for (char c : new char[] {'\u202E', '\u2066', '\u200B', '\u2028', '\u2029', '\u0085', '\uFEFF'}) {
            assertThatThrownBy(() -> Agent.create("deploy" + c + "bot", null, "admin"))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessage("name must not contain control, format or separator characters, got "
                            + String.format("U+%04X", (int) c) + " at index 6");
            assertThatThrownBy(() -> Agent.create("bot", "x" + c, "admin"))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageStartingWith("description must not contain control, format or separator characters");
        }
        assertThat(Agent.create("Déploiement bot 日本", "ordinary text, with spaces", "admin").name())
                .isEqualTo("Déploiement bot 日本");
    }
}
