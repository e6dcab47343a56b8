package dev.sentryagent.idp.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock a test moves by hand, in UTC: give it to an exchanger, a store or a fake issuer
 * ({@link FakeOidcIssuer#start(String, Clock)}) and call {@link #advance(Duration)} to let time pass
 * without waiting. Thread-safe: a move is seen by every thread at once.
 */
public final class MutableClock extends Clock {
    private volatile Instant now;

    /**
     * A clock that reads {@code start} until moved.
     *
     * @param start the first instant it reads
     */
    public MutableClock(Instant start) {
        this.now = start;
    }

    /**
     * A clock that starts at the system clock's current instant.
     *
     * @return a new clock, reading the system time of this call until moved
     */
    public static MutableClock now() {
        return new MutableClock(Instant.now());
    }

    /**
     * Moves the clock forward ({@code d} positive) or back ({@code d} negative).
     *
     * @param d how far to move it
     */
    public void advance(Duration d) {
        now = now.plus(d);
    }

    /** {@return UTC, always} */
    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    /**
     * The same clock: it reads instants, which have no zone.
     *
     * @param zone ignored
     * @return this clock
     */
    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    /** {@return the instant it was started at, plus every move since} */
    @Override
    public Instant instant() {
        return now;
    }
}
