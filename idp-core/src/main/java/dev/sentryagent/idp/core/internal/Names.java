package dev.sentryagent.idp.core.internal;

import dev.sentryagent.idp.core.InvalidRequestException;
import java.util.regex.Pattern;

/** The naming rules of GitHub and git, as the value types enforce them. */
public final class Names {
    private static final Pattern PROVIDER = Pattern.compile("[a-z][a-z0-9-]{0,31}");
    // GitHub: an owner is 1-39 alphanumerics or single inner hyphens; a name is 1-100 of [A-Za-z0-9._-].
    private static final Pattern OWNER = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    private static final int MAX_BRANCH_LENGTH = 255;

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

    /** A value quoted for an error message, shortened so a message never carries a large input. */
    public static String quote(String value) {
        if (value == null) {
            return "null";
        }
        String shown = value.length() > 100 ? value.substring(0, 100) + "..." : value;
        StringBuilder out = new StringBuilder(shown.length() + 2).append('"');
        for (char c : shown.toCharArray()) {
            out.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return out.append('"').toString();
    }
}
