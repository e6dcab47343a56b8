package dev.sentryagent.idp.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL server for tests: a fresh cluster under {@code /tmp}, listening on a
 * free loopback port, with trust authentication for user {@code postgres}. Uses the binaries in
 * {@code $IDP_PG_BIN}, else {@code /usr/lib/postgresql/<version>/bin}; as root it runs them as
 * the {@code postgres} user through {@code runuser}. Can be stopped and started again on the
 * same port and data, to test what happens when the database goes away.
 */
public final class LocalPostgres implements AutoCloseable {
    private static volatile LocalPostgres shared;

    private final Path bin;
    private final Path dir;
    private final int port;
    private final boolean asPostgresUser;
    private boolean running;

    private LocalPostgres(Path bin, Path dir, int port, boolean asPostgresUser) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
        this.asPostgresUser = asPostgresUser;
    }

    /**
     * Creates and starts a new cluster; {@link #close()} stops it and deletes its files.
     *
     * @return the running server, with an empty database {@code idp}
     * @throws UncheckedIOException if the cluster cannot be created under {@code /tmp} or a PostgreSQL binary
     *     cannot be run
     * @throws IllegalStateException if no PostgreSQL binaries are found or {@code initdb}, the server or
     *     {@code createdb} fails
     */
    public static LocalPostgres start() {
        Path bin = findBin();
        boolean root = "root".equals(System.getProperty("user.name"));
        try {
            Path dir = Files.createTempDirectory(Path.of("/tmp"), "idp-pg-");
            if (root) {
                UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
                Files.setOwner(dir, users.lookupPrincipalByName("postgres"));
            }
            LocalPostgres pg = new LocalPostgres(bin, dir, freePort(), root);
            pg.run(List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", "postgres",
                    "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"));
            pg.startServer();
            pg.run(List.of(bin.resolve("createdb").toString(), "-h", "127.0.0.1", "-p", Integer.toString(pg.port),
                    "-U", "postgres", "idp"));
            return pg;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a PostgreSQL cluster under /tmp", e);
        }
    }

    /**
     * One server for the whole JVM, started on first use and stopped at exit.
     *
     * @return the same running server on every call
     */
    public static LocalPostgres shared() {
        if (shared == null) {
            synchronized (LocalPostgres.class) {
                if (shared == null) {
                    LocalPostgres pg = start();
                    Runtime.getRuntime().addShutdownHook(new Thread(pg::close, "local-postgres-stop"));
                    shared = pg;
                }
            }
        }
        return shared;
    }

    /**
     * The JDBC URL of database {@code idp}.
     *
     * @return {@code jdbc:postgresql://127.0.0.1:<port>/idp}
     */
    public String jdbcUrl() {
        return jdbcUrl("idp");
    }

    /**
     * The JDBC URL of a database on this server, with no user or password in it (see {@link #user()}).
     *
     * @param database the database's name; this method does not create it (see
     *     {@link #createDatabase(String)})
     * @return {@code jdbc:postgresql://127.0.0.1:<port>/<database>}
     */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /**
     * The user to connect as, {@code postgres}; trust authentication takes no password.
     *
     * @return {@code postgres}
     */
    public String user() {
        return "postgres";
    }

    /**
     * The loopback port the server listens on, the same after {@link #restart()}.
     *
     * @return the TCP port on {@code 127.0.0.1}
     */
    public int port() {
        return port;
    }

    /**
     * Creates another empty database and returns its JDBC URL.
     *
     * @param name the new database's name, not yet taken on this server
     * @return its JDBC URL, as {@link #jdbcUrl(String)}
     * @throws IllegalStateException if {@code createdb} fails, e.g. because the name is taken
     */
    public String createDatabase(String name) {
        run(List.of(bin.resolve("createdb").toString(), "-h", "127.0.0.1", "-p", Integer.toString(port), "-U",
                "postgres", name));
        return jdbcUrl(name);
    }

    /** Stops the server at once (connections are cut), keeping its data. */
    public synchronized void stop() {
        if (running) {
            run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate",
                    "-w", "stop"));
            running = false;
        }
    }

    /** Starts the server again, on the same port with the same data. */
    public synchronized void restart() {
        if (!running) {
            startServer();
        }
    }

    @Override
    public synchronized void close() {
        try {
            stop();
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            } catch (IOException ignored) {
                // a leftover directory under /tmp is harmless
            }
        }
    }

    private void startServer() {
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l",
                dir.resolve("server.log").toString(), "-w", "-t", "60", "-o",
                "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off"
                        /* commits stay synchronous: the fault test crashes the server and expects them kept */
                        + " -c full_page_writes=off -c max_connections=200",
                "start"));
        running = true;
    }

    private void run(List<String> command) {
        List<String> full = new ArrayList<>();
        if (asPostgresUser) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        try {
            Process process = new ProcessBuilder(full).directory(dir.toFile()).redirectErrorStream(true).start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("PostgreSQL command failed: " + String.join(" ", full) + "\n"
                        + new String(output, StandardCharsets.UTF_8) + serverLog());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + full.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + full.get(0), e);
        }
    }

    private String serverLog() {
        try {
            Path log = dir.resolve("server.log");
            return Files.exists(log) ? "\nserver.log:\n" + Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static Path findBin() {
        String configured = System.getenv("IDP_PG_BIN");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        for (String version : List.of("15", "16", "17", "14", "13")) {
            Path candidate = Path.of("/usr/lib/postgresql", version, "bin");
            if (Files.isExecutable(candidate.resolve("initdb"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("PostgreSQL binaries not found: install PostgreSQL (Debian: apt-get install "
                + "postgresql) or set IDP_PG_BIN to the directory holding initdb and pg_ctl");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
