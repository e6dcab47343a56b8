package dev.sentryagent.idp.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sentryagent.idp.core.internal.CryptoBenchmark;
import java.util.Collection;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every benchmark for a moment so the benchmark code never rots. Asserts that each ran and
 * produced a result, never a number: numbers come from the real runs in docs/benchmarks.md.
 */
class BenchmarkSmokeTest {

    @Test
    void everyBenchmarkRunsBriefly() throws Exception {
        Options options = new OptionsBuilder()
                .include(CryptoBenchmark.class.getSimpleName())
                .include(ExchangeBenchmark.class.getSimpleName())
                .param("algorithm", "ES256")
                .param("pool", "400")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(100))
                .shouldFailOnError(true)
                .build();
        Collection<RunResult> results = new Runner(options).run();
        assertThat(results).extracting(r -> r.getParams().getBenchmark().replaceAll(".*\\.", ""))
                .contains("verifyRs256Signature", "providerVerify", "signAccessToken", "ceilingVerifyPlusSign",
                        "exchange", "exchangeOn2Threads");
        assertThat(results).allSatisfy(r -> assertThat(r.getPrimaryResult().getSampleCount()).isPositive());
    }

    @Test
    void replayGuardBenchmarkRunsBrieflyOnEveryLayout() throws Exception {
        Options options = new OptionsBuilder()
                .include(ReplayGuardBenchmark.class.getSimpleName())
                .param("live", "1000")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(100))
                .shouldFailOnError(true)
                .build();
        Collection<RunResult> results = new Runner(options).run();
        assertThat(results).extracting(r -> r.getParams().getParam("layout")).containsExactlyInAnyOrder("old", "new", "new-jdbi");
        assertThat(results).allSatisfy(r -> assertThat(r.getPrimaryResult().getSampleCount()).isPositive());
    }
}
