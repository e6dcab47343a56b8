package dev.sentryagent.idp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BatchingConsoleAppenderTest {
    private final PrintStream realErr = System.err;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private final LoggerContext context = new LoggerContext();

    @BeforeEach
    void captureStderr() {
        context.setMDCAdapter(new LogbackMDCAdapter()); // what logback's SLF4J provider gives its own context
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreStderr() {
        context.stop();
        System.setErr(realErr);
    }

    private BatchingConsoleAppender appender(int capacity) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%thread %msg%n");
        encoder.start();
        BatchingConsoleAppender appender = new BatchingConsoleAppender();
        appender.setContext(context);
        appender.setName("TEST");
        appender.setTarget("System.err");
        appender.setCapacity(capacity);
        appender.setEncoder(encoder);
        appender.start();
        Logger logger = context.getLogger("test");
        logger.setAdditive(false);
        logger.addAppender(appender);
        return appender;
    }

    private List<String> lines() {
        String text = captured.toString(StandardCharsets.UTF_8);
        return text.isEmpty() ? List.of() : List.of(text.split("\n"));
    }

    @Test
    void whenEightThreadsLogThroughASmallQueueThenEveryLineIsWrittenOnceInEachThreadsOrder() throws Exception {
        BatchingConsoleAppender appender = appender(64); // far fewer than the lines: loggers must wait, not drop
        Logger logger = context.getLogger("test");
        int threads = 8;
        int perThread = 5_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    logger.info("line {}", i);
                }
            }, "w" + t);
            workers.add(worker);
            worker.start();
        }
        start.countDown();
        for (Thread worker : workers) {
            worker.join();
        }
        appender.stop();

        List<String> lines = lines();
        assertEquals(threads * perThread, lines.size());
        int[] next = new int[threads];
        for (String line : lines) {
            String[] parts = line.split(" ");
            int thread = Integer.parseInt(parts[0].substring(1));
            assertEquals(next[thread], Integer.parseInt(parts[2]), "order of thread w" + thread);
            next[thread]++;
        }
    }

    @Test
    void whenALineIsLoggedThenItAppearsWithinAFewMillisecondsWithoutAStop() throws Exception {
        appender(8192);
        context.getLogger("test").info("hello {}", "world");
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (lines().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertEquals(List.of(Thread.currentThread().getName() + " hello world"), lines());
    }

    @Test
    void whenStoppedThenWhatWasQueuedIsWrittenAndTheWriterEnds() {
        BatchingConsoleAppender appender = appender(8192);
        for (int i = 0; i < 1000; i++) {
            context.getLogger("test").info("n{}", i);
        }
        appender.stop();
        assertEquals(1000, lines().size());
        assertFalse(appender.isStarted());
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("log-writer-TEST")));
    }

    @Test
    void whenNoEncoderIsSetThenItDoesNotStartAndSaysWhy() {
        BatchingConsoleAppender appender = new BatchingConsoleAppender();
        appender.setContext(context);
        appender.setName("BROKEN");
        appender.start();
        assertFalse(appender.isStarted());
        assertEquals("no encoder set for the appender named \"BROKEN\"",
                context.getStatusManager().getCopyOfStatusList().get(0).getMessage());
    }
}
