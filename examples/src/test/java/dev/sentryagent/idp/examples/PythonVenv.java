package dev.sentryagent.idp.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.opentest4j.TestAbortedException;

/**
 * A Python virtual environment under {@code target/} with the packages of a {@code requirements.txt},
 * made once and reused while the requirements stay the same. What this machine lacks (python3, its
 * {@code venv} module, a package index) makes the tests that need it skip, saying what is missing;
 * with {@code IDP_TEST_PYTHON=required} in the environment (a CI that has Python) they fail instead,
 * so a broken requirements file cannot hide behind a skip.
 */
final class PythonVenv {
    static final Duration VENV_TIMEOUT = Duration.ofSeconds(60);
    static final Duration PIP_TIMEOUT = Duration.ofSeconds(120);

    private final Path python;

    private PythonVenv(Path python) {
        this.python = python;
    }

    /** A process's exit code ({@code null}: killed at its timeout), its stdout and its stderr. */
    record Result(Integer exitCode, String output, String errors) {
        boolean ok() {
            return exitCode != null && exitCode == 0;
        }

        String failure(String command, Duration timeout) {
            return exitCode == null ? command + " did not finish within " + timeout.toSeconds() + " s"
                    : command + " failed: " + lastLine();
        }

        String lastLine() {
            String[] lines = (errors.isBlank() ? output : errors).strip().split("\n");
            return lines[lines.length - 1].strip();
        }
    }

    /** The venv's interpreter. */
    Path python() {
        return python;
    }

    /**
     * The venv at {@code dir} with {@code requirements} installed: reused when its marker holds the
     * same requirements, else made anew. Aborts the calling test (an assumption) when it cannot be made.
     */
    static PythonVenv prepare(Path dir, Path requirements) throws IOException, InterruptedException {
        String wanted = Files.readString(requirements);
        Path marker = dir.resolve("requirements.installed");
        Path python = dir.resolve(isWindows() ? "Scripts/python.exe" : "bin/python");
        if (Files.isExecutable(python) && Files.exists(marker) && Files.readString(marker).equals(wanted)) {
            return new PythonVenv(python);
        }
        Result version;
        try {
            version = run(List.of("python3", "--version"), Map.of(), Duration.ofSeconds(20));
        } catch (IOException notFound) {
            throw unavailable("python3 is not on the PATH");
        }
        if (!version.ok()) {
            throw unavailable(version.failure("python3 --version", Duration.ofSeconds(20)));
        }
        deleteRecursively(dir);
        Result venv = run(List.of("python3", "-m", "venv", dir.toString()), Map.of(), VENV_TIMEOUT);
        if (!venv.ok()) {
            throw unavailable(venv.failure("python3 -m venv", VENV_TIMEOUT)
                    + " (on Debian or Ubuntu: apt-get install python3-venv)");
        }
        // --retries 0: pip's default retries with backoff turn an unreachable index into minutes; an
        // extra index (pip.conf) still serves what the default one cannot.
        Result pip = run(List.of(python.toString(), "-m", "pip", "install", "--disable-pip-version-check",
                "--retries", "0", "--timeout", "15", "-r", requirements.toString()), Map.of(), PIP_TIMEOUT);
        if (!pip.ok()) {
            throw unavailable(pip.failure("pip install -r " + requirements, PIP_TIMEOUT)
                    + " (is a package index reachable?)");
        }
        Files.writeString(marker, wanted);
        return new PythonVenv(python);
    }

    /** Runs the venv's python with {@code args} and the extra environment {@code env}, killed at {@code timeout}. */
    Result runPython(List<String> args, Map<String, String> env, Duration timeout)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(python.toString());
        command.addAll(args);
        return run(command, env, timeout);
    }

    /** Runs a command to its end, or kills it (and its children) at {@code timeout}. */
    private static Result run(List<String> command, Map<String, String> env, Duration timeout)
            throws IOException, InterruptedException {
        Path output = Files.createTempFile("python-venv-", ".out");
        Path errors = Files.createTempFile("python-venv-", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(output.toFile())
                    .redirectError(errors.toFile());
            builder.environment().putAll(env);
            Process process = builder.start();
            Integer exitCode = null;
            if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                exitCode = process.exitValue();
            } else {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            return new Result(exitCode, Files.readString(output, StandardCharsets.UTF_8),
                    Files.readString(errors, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(output);
            Files.deleteIfExists(errors);
        }
    }

    /** Aborts the calling test (a skip), or fails it with {@code IDP_TEST_PYTHON=required}. */
    private static RuntimeException unavailable(String reason) {
        String message = "Python client tests need python3 with venv and pip and a package index: " + reason;
        if ("required".equals(System.getenv("IDP_TEST_PYTHON"))) {
            throw new AssertionError(message + " (IDP_TEST_PYTHON=required)");
        }
        throw new TestAbortedException(message);
    }

    private static boolean isWindows() {
        return System.getProperty("os.name").startsWith("Windows");
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
