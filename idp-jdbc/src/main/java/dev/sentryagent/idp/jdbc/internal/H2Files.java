package dev.sentryagent.idp.jdbc.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Owner-only files for an H2 file database: the database holds the private signing keys, so a
 * directory this store creates is 0700 and the database files it creates are 0600, whatever the
 * umask (H2 itself creates {@code ./data} 0755 and {@code idp.mv.db} 0644). The trace file, which H2
 * creates only at its first error (its lines can quote values), is made empty and owner-only before
 * the first connection, for H2 to append to. Directories and files that already exist are left as
 * the operator made them. No-op off POSIX file systems.
 */
public final class H2Files {
    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    private static final List<String> SUFFIXES = List.of(".mv.db", ".trace.db", ".lock.db");

    private final Path base;
    private final boolean databaseExisted;

    private H2Files(Path base, boolean databaseExisted) {
        this.base = base;
        this.databaseExisted = databaseExisted;
    }

    /**
     * Before the first connection: creates the database's directory owner-only if it is missing.
     * Returns null unless {@code url} names an H2 file database on a POSIX file system.
     */
    public static H2Files prepare(String url) {
        Path base = basePath(url);
        if (base == null || !FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return null;
        }
        Path dir = base.toAbsolutePath().getParent();
        try {
            if (dir != null && !Files.exists(dir)) {
                FileAttribute<Set<PosixFilePermission>> ownerOnly = PosixFilePermissions.asFileAttribute(OWNER_DIR);
                Files.createDirectories(dir, ownerOnly);
                Files.setPosixFilePermissions(dir, OWNER_DIR); // the umask may have masked the attribute
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the database directory " + dir, e);
        }
        Path trace = file(base, ".trace.db");
        try {
            if (!Files.exists(trace)) {
                Files.createFile(trace, PosixFilePermissions.asFileAttribute(OWNER_FILE));
                Files.setPosixFilePermissions(trace, OWNER_FILE); // the umask may have masked the attribute
            }
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // another store of this process made it first: as owner-only as this one would have
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the database's trace file " + trace, e);
        }
        return new H2Files(base, Files.exists(file(base, ".mv.db")));
    }

    /** After the first connection: the database files this start created become owner-only. */
    public void restrict() {
        if (databaseExisted) {
            return;
        }
        for (String suffix : SUFFIXES) {
            Path file = file(base, suffix);
            try {
                if (Files.exists(file)) {
                    Files.setPosixFilePermissions(file, OWNER_FILE);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot make " + file + " owner-only", e);
            }
        }
    }

    private static Path file(Path base, String suffix) {
        return base.resolveSibling(base.getFileName() + suffix);
    }

    /**
     * {@code url} with H2's page cache sized to the heap: {@code ;CACHE_SIZE=} (KiB) 1/32 of
     * {@code maxHeapBytes}, between 1 MiB and 64 MiB, added to an H2 file URL that sets no
     * {@code CACHE_SIZE} itself; any other URL unchanged. H2's default, 16 MiB whatever the heap,
     * is an eighth of a 128 MiB heap: its pages are copied on every write and live long enough to
     * be promoted, and under load that cost more in garbage collection than the cache saved
     * (docs/benchmarks.md, "H2's page cache").
     *
     * @param url a JDBC URL
     * @param maxHeapBytes the heap's limit, {@link Runtime#maxMemory()}
     * @return the URL to connect with
     */
    public static String withCacheSizedToHeap(String url, long maxHeapBytes) {
        if (basePath(url) == null || sets(url, "CACHE_SIZE")) {
            return url;
        }
        long kib = Math.max(1024, Math.min(64 * 1024, maxHeapBytes / 32 / 1024));
        return url + ";CACHE_SIZE=" + kib;
    }

    /**
     * {@code url} with {@code ;DB_CLOSE_ON_EXIT=FALSE} added to an H2 URL that does not set it:
     * the database stays open until its last connection closes, instead of H2 closing it when the
     * JVM starts to exit; any other URL unchanged.
     *
     * @param url a JDBC URL
     * @return the URL to connect with
     */
    public static String withoutCloseOnExit(String url) {
        return url.startsWith("jdbc:h2:") && !sets(url, "DB_CLOSE_ON_EXIT") ? url + ";DB_CLOSE_ON_EXIT=FALSE" : url;
    }

    /** Whether the URL gives H2 setting {@code name} itself (settings are case-insensitive). */
    private static boolean sets(String url, String name) {
        return url.toUpperCase(Locale.ROOT).contains(";" + name + "=");
    }

    /** The database path of an H2 file URL ({@code jdbc:h2:file:./data/idp}, {@code jdbc:h2:~/idp}), else null. */
    static Path basePath(String url) {
        if (url == null || !url.startsWith("jdbc:h2:")) {
            return null;
        }
        String rest = url.substring("jdbc:h2:".length());
        int options = rest.indexOf(';');
        if (options >= 0) {
            rest = rest.substring(0, options);
        }
        String lower = rest.toLowerCase(Locale.ROOT);
        if (lower.startsWith("file:")) {
            rest = rest.substring("file:".length());
        } else if (lower.matches("^[a-z0-9]{2,}:.*")) {
            return null; // mem:, tcp:, ssl:, zip:, split:, ... (a Windows drive letter has one letter)
        }
        if (rest.isEmpty()) {
            return null;
        }
        if (rest.startsWith("~")) {
            rest = System.getProperty("user.home") + rest.substring(1);
        }
        return Path.of(rest);
    }
}
