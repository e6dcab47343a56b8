package dev.sentryagent.idp.core.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Races only one racer may win: the stores' contracts and the tests of several servers on one store. */
public final class Races {
    private Races() {
    }

    /** One racer's attempt on {@code jti}; true when it won. */
    public interface Racer {
        boolean attempt(int racer, String jti) throws Exception;
    }

    /**
     * {@code rounds} rounds, each on a new jti ({@code jtiPrefix + round}): {@code racers} racers
     * (numbered from 0) released together on 16 threads, each calling {@code racer}; exactly one of
     * them may win each round.
     */
    public static void eachRoundHasOneWinner(int rounds, int racers, String jtiPrefix, Racer racer) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            for (int round = 0; round < rounds; round++) {
                String jti = jtiPrefix + round;
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Boolean>> futures = new ArrayList<>();
                for (int i = 0; i < racers; i++) {
                    int number = i;
                    futures.add(pool.submit(() -> {
                        start.await();
                        return racer.attempt(number, jti);
                    }));
                }
                start.countDown();
                int wins = 0;
                for (Future<Boolean> f : futures) {
                    wins += f.get() ? 1 : 0;
                }
                assertThat(wins).as("first uses of " + jti).isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
