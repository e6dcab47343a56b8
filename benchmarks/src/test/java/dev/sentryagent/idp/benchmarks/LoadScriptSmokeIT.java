package dev.sentryagent.idp.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code benchmarks/run-load.sh} for a few seconds on H2 and PostgreSQL so the load benchmark
 * (script, token fixture, HTTP floor, wrk script, result lines) never rots. Asserts that every phase ran and
 * that no request failed; never a number. Needs {@code wrk} on the PATH.
 */
class LoadScriptSmokeIT {

    @Test
    void loadScriptRunsEveryPhaseWithoutAnError(@TempDir Path results) throws Exception {
        assumeTrue(onPath("wrk"), "wrk is not installed (apt-get install wrk)");
        Path root = Path.of(System.getProperty("idp.root"));
        ProcessBuilder builder = new ProcessBuilder("bash", "benchmarks/run-load.sh", "h2 postgres")
                .directory(root.toFile()).redirectErrorStream(true);
        builder.environment().put("JDKS", System.getProperty("java.home"));
        builder.environment().put("TOKENS", "6000");
        builder.environment().put("WARMUP", "1");
        builder.environment().put("DURATION", "1");
        builder.environment().put("CEILING", "0");
        builder.environment().put("INPROCESS", "0"); // both JMH benchmarks have their own smoke (BenchmarkSmokeTest)
        // the server under the run's provider (-Didp.test.crypto), so CI's two runs smoke both
        String crypto = System.getProperty("idp.test.crypto", "jdk");
        builder.environment().put("CRYPTOS", crypto);
        builder.environment().put("LIMIT_SECONDS", "1");
        builder.environment().put("RESULTS", results.toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();

        List<String> lines = output.lines().filter(line -> line.startsWith("store=")).toList();
        assertThat(lines).as(output).hasSize(6);
        assertThat(lines).allSatisfy(line -> assertThat(line)
                .contains("non2xx=0 socket_errors=0")
                .containsPattern("requests=[1-9]")
                .containsPattern("limit_pct=[0-9]")
                .containsPattern("peak_rss_mb=[1-9]"));
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("store=postgres crypto=" + crypto
                + " concurrency=64"));
        assertThat(output).containsPattern("physical_limit \\(openssl speed -multi [0-9]+, OpenSSL [^)]*\\): "
                + "ES256 sign [0-9.]+/s, RS256 verify [0-9.]+/s, limit [1-9][0-9]* exchanges/s");
        List<String> floor = output.lines().filter(line -> line.startsWith("http_floor ")).toList();
        assertThat(floor).as(output).hasSize(2);
        assertThat(floor).allSatisfy(line -> assertThat(line)
                .contains("non2xx=0 socket_errors=0")
                .containsPattern("requests=[1-9]"));
        try (var files = Files.list(results)) {
            assertThat(files.filter(f -> f.getFileName().toString().startsWith("load-jdk"))).hasSize(1);
        }
    }

    /**
     * docs/benchmarks.md measures what the two durable writes are worth with
     * {@code benchmarks/upper-bounds.patch}; the command there works only while the patch applies.
     */
    @Test
    void upperBoundsPatchStillAppliesToThisTree() throws Exception {
        assumeTrue(onPath("git"), "git is not installed");
        Path root = Path.of(System.getProperty("idp.root"));
        assumeTrue(run(root, "git", "rev-parse", "--is-inside-work-tree").exitValue == 0,
                "not a git work tree (a source archive): git apply --check needs one");
        Result check = run(root, "git", "apply", "--check", "benchmarks/upper-bounds.patch");
        assertThat(check.exitValue)
                .as("benchmarks/upper-bounds.patch no longer applies; make the same two changes (skip the replay "
                        + "write, store no audit event, when IDP_BENCH_SKIP names them) and save `git diff` over it:%n%s",
                        check.output)
                .isZero();
    }

    private record Result(int exitValue, String output) {
    }

    private static Result run(Path dir, String... command) throws Exception {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(1, TimeUnit.MINUTES)).isTrue();
        return new Result(process.exitValue(), output);
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv("PATH").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
