package dev.grocer.common;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.UUID;

/**
 * Makes UUID version 7 ids (RFC 9562): 48 bits of Unix milliseconds, then a counter, then random bits.
 * Ids from one generator are strictly increasing, so their lower-case text sorts in creation order,
 * which gives listings a stable order and a cheap "resume after this id" without a second index.
 */
public final class TimeOrderedIds {

    private static final int COUNTER_BITS = 12;
    private static final long COUNTER_MAX = (1L << COUNTER_BITS) - 1;

    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private long lastMillis = -1;
    private long counter;

    public TimeOrderedIds(Clock clock) {
        this.clock = clock;
    }

    /** The next id, greater than every id this generator made before. */
    public synchronized String next() {
        long millis = clock.millis();
        if (millis > lastMillis) {
            lastMillis = millis;
            counter = 0;
        } else if (++counter > COUNTER_MAX) {
            // More than 4096 ids in one millisecond (or the clock went back): borrow the next millisecond.
            lastMillis++;
            counter = 0;
        }
        long msb = (lastMillis << 16) | (0x7L << 12) | counter;
        long lsb = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb).toString();
    }

    /** Whether {@code text} is a UUID in the canonical lower-case form this class produces. */
    public static boolean isCanonicalUuid(String text) {
        if (text.length() != 36) {
            return false;
        }
        try {
            return UUID.fromString(text).toString().equals(text);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
