package dev.sentryagent.idp.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one reading of a file path out of {@code workflow_ref} and {@code ci_config_ref_uri}. */
class ClaimPathsTest {
    private static final String REPO = "octo-org/octo-repo/";
    private static final String PROJECT = "gitlab.example.com/acme/platform/deployer//";

    @ParameterizedTest(name = "{0} @ {1} -> {2}")
    @CsvSource(nullValues = "NULL", value = {
        "octo-org/octo-repo/.github/workflows/ci.yml@refs/heads/main, refs/heads/main, .github/workflows/ci.yml",
        // The repository's name is compared ignoring case, as GitHub does.
        "Octo-Org/OCTO-REPO/.github/workflows/ci.yml@refs/heads/main, refs/heads/main, .github/workflows/ci.yml",
        // A ref holding an '@': the run's own ref decides where the path ends.
        "octo-org/octo-repo/.github/workflows/ci.yml@refs/heads/a@b, refs/heads/a@b, .github/workflows/ci.yml",
        // A file name holding an '@' is never cut short to a file a policy names.
        "octo-org/octo-repo/.github/workflows/deploy.yml@evil.yml@refs/heads/main, refs/heads/main, .github/workflows/deploy.yml@evil.yml",
        // Another ref than the run's and several '@': which one ends the path is unknown, so no path.
        "octo-org/octo-repo/.github/workflows/deploy.yml@evil.yml@refs/heads/other, refs/heads/main, NULL",
        // Another ref than the run's and one '@': it ends the path.
        "octo-org/octo-repo/.github/workflows/ci.yml@refs/heads/other, refs/heads/main, .github/workflows/ci.yml",
        "octo-org/octo-repo/.github/workflows/ci.yml, refs/heads/main, NULL",            // no '@'
        "octo-org/octo-repo/@refs/heads/main, refs/heads/main, NULL",                    // empty path
        "octo-org/octo-repo/, refs/heads/main, NULL",                                    // the prefix alone
        "octo-org/other-repo/.github/workflows/ci.yml@refs/heads/main, refs/heads/main, NULL", // another repository
        "octo-org/octo-repository/.github/workflows/ci.yml@refs/heads/main, refs/heads/main, NULL", // a longer name is another
        "octo-org/octo-repo, refs/heads/main, NULL",                                     // shorter than the prefix
        "'', refs/heads/main, NULL",
    })
    void beforeRefOrOnlyAtWhenGivenWorkflowRefThenPathOfThisRepositoryOrNull(String workflowRef, String ref, String path) {
        assertThat(ClaimPaths.beforeRefOrOnlyAt(workflowRef, REPO, ref)).isEqualTo(path);
    }

    @Test
    void prefixWhenItDiffersOnlyByNonAsciiCaseFoldingThenNull() {
        // A Kelvin sign folds onto k in Unicode, not in ASCII: another repository, so no path.
        assertThat(ClaimPaths.beforeRefOrOnlyAt("octo-org/\u212Aey/ci.yml@refs/heads/main", "octo-org/key/",
                "refs/heads/main")).isNull();
        assertThat(ClaimPaths.beforeRef("gitlab.example.com/acme/\u212Aey//ci.yml@refs/heads/main",
                "gitlab.example.com/acme/key//", "refs/heads/main")).isNull();
    }

    @Test
    void beforeRefOrOnlyAtWhenClaimAbsentThenNull() {
        assertThat(ClaimPaths.beforeRefOrOnlyAt(null, REPO, "refs/heads/main")).isNull();
    }

    @ParameterizedTest(name = "{0} @ {1} -> {2}")
    @CsvSource(nullValues = "NULL", value = {
        "gitlab.example.com/acme/platform/deployer//ci/deploy.yml@refs/heads/main, refs/heads/main, ci/deploy.yml",
        "GitLab.Example.com/ACME/platform/deployer//ci/deploy.yml@refs/heads/main, refs/heads/main, ci/deploy.yml",
        // A ref holding an '@' is cut at the pipeline's own ref, so the path is whole.
        "gitlab.example.com/acme/platform/deployer//ci/deploy.yml@refs/heads/a@b, refs/heads/a@b, ci/deploy.yml",
        // A path holding an '@': the pipeline's own ref still decides where the path ends.
        "gitlab.example.com/acme/platform/deployer//ci/x@y.yml@refs/heads/main, refs/heads/main, ci/x@y.yml",
        // Another ref than the pipeline's: the last '@' ends the path.
        "gitlab.example.com/acme/platform/deployer//ci/deploy.yml@refs/heads/other, refs/heads/main, ci/deploy.yml",
        "gitlab.example.com/acme/platform/deployer//ci/deploy.yml, refs/heads/main, NULL",            // no '@'
        "gitlab.example.com/acme/platform/deployer//@refs/heads/main, refs/heads/main, NULL",         // empty path
        "gitlab.example.com/acme/platform/other//ci/deploy.yml@refs/heads/main, refs/heads/main, NULL", // another project
        "gitlab.example.com/acme/platform/deployer/ci/deploy.yml@refs/heads/main, refs/heads/main, NULL", // one slash
        "other.example.com/acme/platform/deployer//ci/deploy.yml@refs/heads/main, refs/heads/main, NULL", // another host
    })
    void beforeRefWhenGivenConfigRefUriThenPathOfThisProjectOrNull(String configRefUri, String ref, String path) {
        assertThat(ClaimPaths.beforeRef(configRefUri, PROJECT, ref)).isEqualTo(path);
    }

    @Test
    void beforeRefWhenClaimAbsentThenNull() {
        assertThat(ClaimPaths.beforeRef(null, PROJECT, "refs/heads/main")).isNull();
    }
}
