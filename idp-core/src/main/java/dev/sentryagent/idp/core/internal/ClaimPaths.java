package dev.sentryagent.idp.core.internal;

/**
 * Reads the file path out of a claim shaped {@code PREFIX PATH@REF}: GitHub's {@code workflow_ref}
 * ({@code owner/repo/PATH@ref}) and GitLab's {@code ci_config_ref_uri} ({@code host/project//PATH@ref}).
 * One rule for both: the prefix (the token's own repository or project) matches ignoring ASCII case,
 * as the providers compare repository names; a claim with another prefix, no {@code @} after it or an
 * empty path names no path of this repository, so the answer is null, never a guess. The providers
 * differ only in which {@code @} ends the path, because a ref (and a path) may hold one too.
 */
public final class ClaimPaths {
    private ClaimPaths() {
    }

    /**
     * The path up to the {@code @} that starts {@code @ref} when {@code value} ends with it, else up
     * to its only {@code @} (GitHub's {@code workflow_ref}, whose ref is the run's {@code ref}). A
     * claim with several {@code @} that does not end with {@code @ref} is ambiguous (a file name and
     * a branch may both hold one) and names no path: null, so that {@code deploy.yml@x.yml} is
     * never read as {@code deploy.yml}.
     *
     * @param value the claim, or null
     * @param prefix what comes before the path, e.g. {@code owner/repo/}
     * @param ref the run's ref, e.g. {@code refs/heads/main}
     * @return the path, or null when {@code value} is null, does not start with {@code prefix}
     *     (ignoring ASCII case), has no {@code @} after it, is ambiguous, or the path is empty
     */
    public static String beforeRefOrOnlyAt(String value, String prefix, String ref) {
        if (value == null) {
            return null;
        }
        if (value.endsWith("@" + ref)) {
            return between(value, prefix, value.length() - ref.length() - 1);
        }
        int at = value.indexOf('@', prefix.length());
        return at >= 0 && value.indexOf('@', at + 1) < 0 ? between(value, prefix, at) : null;
    }

    /**
     * The path up to the {@code @} that starts {@code @ref} when {@code value} ends with it, else up
     * to the last {@code @} (GitLab's {@code ci_config_ref_uri}, whose ref may hold an {@code @}).
     *
     * @param value the claim, or null
     * @param prefix what comes before the path, e.g. {@code gitlab.com/group/project//}
     * @param ref the ref the claim should end with, e.g. {@code refs/heads/main}
     * @return the path, or null when {@code value} is null, does not start with {@code prefix}
     *     (ignoring ASCII case), has no {@code @} after it, or the path is empty
     */
    public static String beforeRef(String value, String prefix, String ref) {
        if (value == null) {
            return null;
        }
        int at = value.endsWith("@" + ref) ? value.length() - ref.length() - 1 : value.lastIndexOf('@');
        return between(value, prefix, at);
    }

    private static String between(String value, String prefix, int at) {
        if (at <= prefix.length() || !Names.equalsIgnoreAsciiCase(value.substring(0, prefix.length()), prefix)) {
            return null;
        }
        return value.substring(prefix.length(), at);
    }
}
