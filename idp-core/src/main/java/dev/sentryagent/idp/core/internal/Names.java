package dev.sentryagent.idp.core.internal;

import dev.sentryagent.idp.core.InvalidRequestException;
import java.util.regex.Pattern;

/** The naming rules of GitHub and git, as the value types enforce them. */
public final class Names {
    private static final Pattern PROVIDER = Pattern.compile("[a-z0-9-]{1,32}"); // contract section 6
    // GitHub: an owner is 1-39 alphanumerics or single inner hyphens; a name is 1-100 of [A-Za-z0-9._-].
    private static final Pattern OWNER = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    private static final int MAX_BRANCH_LENGTH = 255;
    /** The longest repository path the stores keep (their column holds 140 characters). */
    public static final int MAX_REPOSITORY_LENGTH = 140;
    // A path segment of either platform: GitHub's name characters; GitLab's start with a letter, digit or _.
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    private static final Pattern GITLAB_SEGMENT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");
    /** GitLab nests groups at most 20 deep: 20 groups and the project. */
    private static final int MAX_GITLAB_SEGMENTS = 21;

    private Names() {
    }

    public static String provider(String value) {
        if (value == null || !PROVIDER.matcher(value).matches()) {
            throw new InvalidRequestException(
                    "provider must be lower-case letters, digits and hyphens, got " + quote(value));
        }
        return value;
    }

    public static String repository(String value) {
        if (value == null) {
            throw new InvalidRequestException("repository is required, as owner/name");
        }
        int slash = value.indexOf('/');
        boolean valid = slash > 0
                && slash == value.lastIndexOf('/')
                && OWNER.matcher(value.substring(0, slash)).matches()
                && NAME.matcher(value.substring(slash + 1)).matches()
                && !value.substring(slash + 1).equals(".")
                && !value.substring(slash + 1).equals("..");
        if (!valid) {
            throw new InvalidRequestException("repository must be owner/name, got " + quote(value));
        }
        return value;
    }

    /**
     * A repository path of any provider, as a policy or a filter may name it: {@code owner/name} or
     * {@code group/subgroup/.../project}, segments of letters, digits, {@code . _ -}, never
     * {@code .} or {@code ..}, at most {@value #MAX_REPOSITORY_LENGTH} characters. Each provider
     * type's own rules are checked where the type is known ({@link #repository}, {@link #gitlabProject}).
     */
    public static String repositoryPath(String value) {
        if (value == null) {
            throw new InvalidRequestException("repository is required, as owner/name");
        }
        String[] segments = value.split("/", -1);
        boolean valid = segments.length >= 2 && value.length() <= MAX_REPOSITORY_LENGTH;
        for (String segment : segments) {
            valid &= SEGMENT.matcher(segment).matches() && !segment.equals(".") && !segment.equals("..");
        }
        if (!valid) {
            throw new InvalidRequestException("repository must be owner/name, got " + quote(value)
                    + " (GitLab: group[/subgroup...]/project, at most " + MAX_REPOSITORY_LENGTH + " characters)");
        }
        return value;
    }

    /**
     * A GitLab project's full path, {@code group[/subgroup...]/project}: segments start with a
     * letter, digit or {@code _} and hold letters, digits, {@code _ - .}, none ends with
     * {@code .git} or {@code .atom} or a dot; at most 20 groups deep and
     * {@value #MAX_REPOSITORY_LENGTH} characters.
     */
    public static String gitlabProject(String value) {
        repositoryPath(value);
        String[] segments = value.split("/", -1);
        boolean valid = segments.length <= MAX_GITLAB_SEGMENTS;
        for (String segment : segments) {
            valid &= GITLAB_SEGMENT.matcher(segment).matches() && !segment.endsWith(".")
                    && !segment.endsWith(".git") && !segment.endsWith(".atom");
        }
        if (!valid) {
            throw new InvalidRequestException("repository must be a GitLab project's full path, "
                    + "group[/subgroup...]/project (letters, digits, _ - . in each part), got " + quote(value));
        }
        return value;
    }

    /** A branch name by the rules of {@code git check-ref-format --branch}, written without {@code refs/heads/}. */
    public static String branch(String value) {
        if (value == null) {
            return null;
        }
        if (value.startsWith("refs/heads/")) {
            throw new InvalidRequestException("branch must be the branch name without refs/heads/: write "
                    + quote(value.substring("refs/heads/".length())) + ", got " + quote(value));
        }
        if (value.startsWith("refs/")) {
            throw new InvalidRequestException("branch must be a branch name, not a ref: for tags and other refs "
                    + "use conditions.refs, got " + quote(value));
        }
        if (value.equals("HEAD")) {
            throw new InvalidRequestException("branch must name a branch, not HEAD, got \"HEAD\"");
        }
        if (!validBranch(value)) {
            throw new InvalidRequestException("branch must be a valid git branch name, got " + quote(value));
        }
        return value;
    }

    private static boolean validBranch(String value) {
        if (value.isEmpty() || value.length() > MAX_BRANCH_LENGTH || value.startsWith("-")
                || value.equals("@") || value.startsWith("/") || value.endsWith("/") || value.endsWith(".")
                || value.contains("..") || value.contains("//") || value.contains("@{")) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f || " ~^:?*[\\".indexOf(c) >= 0) {
                return false;
            }
        }
        for (String component : value.split("/")) {
            if (component.startsWith(".") || component.endsWith(".lock")) {
                return false;
            }
        }
        return true;
    }

    /**
     * Display text (an agent's name or description): refuses control characters and the Unicode
     * format and separator characters (bidi overrides and isolates, zero-width marks, U+2028,
     * U+2029, U+0085) that make text read differently from what it is.
     *
     * @throws InvalidRequestException naming {@code field} and the first such character
     */
    public static String displayText(String field, String value) {
        if (value == null) {
            return null;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (isInvisible(c)) {
                throw new InvalidRequestException(field + " must not contain control, format or separator "
                        + "characters, got " + String.format("U+%04X", (int) c) + " at index " + i);
            }
        }
        return value;
    }

    /** True for control (Cc), format (Cf), line (Zl) and paragraph (Zp) separator characters. */
    static boolean isInvisible(char c) {
        int type = Character.getType(c);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR;
    }

    /** A value quoted for an error message, shortened so a message never carries a large input. */
    public static String quote(String value) {
        if (value == null) {
            return "null";
        }
        String shown = value.length() > 100 ? value.substring(0, 100) + "..." : value;
        StringBuilder out = new StringBuilder(shown.length() + 2).append('"');
        for (char c : shown.toCharArray()) {
            out.append(isInvisible(c) ? '?' : c);
        }
        return out.append('"').toString();
    }

    /**
     * Whether two names are equal ignoring case in ASCII only, as the contract compares
     * repositories: {@link String#equalsIgnoreCase} would also fold non-ASCII letters onto ASCII
     * ones (the Kelvin sign onto {@code k}), so a claim could name a policy's repository with
     * other characters.
     *
     * @param a a name, or null
     * @param b another, or null
     * @return true when both are non-null and equal after lower-casing A-Z alone
     */
    public static boolean equalsIgnoreAsciiCase(String a, String b) {
        if (a == null || b == null || a.length() != b.length()) {
            return false;
        }
        for (int i = 0; i < a.length(); i++) {
            if (asciiLower(a.charAt(i)) != asciiLower(b.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static char asciiLower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }

    /**
     * A value an attacker may control (a claim, a header, an error message quoting one), made safe
     * for one log line: control, format and separator characters become backslash-u escapes, a
     * backslash and a double quote are escaped, and it is cut after 256 characters. Every log line
     * that prints such a value goes through here, so a value can neither forge a line nor hide text.
     */
    public static String loggable(Object value) {
        if (value == null) {
            return "null";
        }
        String text = value.toString();
        boolean cut = text.length() > 256;
        String shown = cut ? text.substring(0, 256) : text;
        StringBuilder out = null;
        for (int i = 0; i < shown.length(); i++) {
            char c = shown.charAt(i);
            boolean escape = isInvisible(c) || c == '\\' || c == '"';
            if (escape && out == null) {
                out = new StringBuilder(shown.length() + 16).append(shown, 0, i);
            }
            if (out != null) {
                if (c == '\\' || c == '"') {
                    out.append('\\').append(c);
                } else if (escape) {
                    out.append(String.format("\\u%04x", (int) c));
                } else {
                    out.append(c);
                }
            }
        }
        String result = out == null ? shown : out.toString();
        return cut ? result + "..." : result;
    }
}
