package dev.sentryagent.idp.core.internal;

import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * UUIDs of version 7 (RFC 9562): 48 bits of Unix milliseconds, then 74 random bits. Rows keyed by
 * them are inserted in time order, at the right edge of a B-tree index, where a random UUID (version
 * 4) lands on a random page of an index larger than the database's cache: on H2 that page is read
 * back from the file for every insert. Their text sorts by time too. Not secrets: the random bits
 * only keep ids of the same millisecond apart, so a per-thread generator serves (no shared lock).
 */
public final class TimeOrderedIds {
    private TimeOrderedIds() {
    }

    /**
     * A new version 7 UUID for {@code time}.
     *
     * @param time the instant the id stands for (millisecond precision)
     * @return a UUID whose first 48 bits are {@code time}'s epoch milliseconds
     */
    public static UUID at(Instant time) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long millis = time.toEpochMilli() & 0xFFFF_FFFF_FFFFL;
        long high = millis << 16 | 0x7000L | random.nextLong() & 0x0FFFL;
        long low = random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL | 0x8000_0000_0000_0000L;
        return new UUID(high, low);
    }
}
