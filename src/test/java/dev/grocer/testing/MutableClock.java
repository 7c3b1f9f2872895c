package dev.grocer.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that stands still until a test moves it, so timestamps can be asserted exactly. */
public final class MutableClock extends Clock {

    public static final Instant START = Instant.parse("2026-01-01T09:00:00Z");

    private volatile Instant now = START;
    private volatile int stallEvery;
    private volatile Duration stall = Duration.ZERO;
    private final java.util.concurrent.atomic.AtomicLong reads = new java.util.concurrent.atomic.AtomicLong();

    public void set(Instant instant) {
        now = instant;
    }

    public Instant advance(Duration duration) {
        now = now.plus(duration);
        return now;
    }

    /**
     * Makes every {@code calls}-th {@link #instant()} take {@code pause}: a thread preempted at that point, as
     * between a store making an id and storing its record. {@link #millis()} never pauses.
     */
    public void stallEvery(int calls, Duration pause) {
        stall = pause;
        stallEvery = calls;
    }

    @Override
    public Instant instant() {
        int every = stallEvery;
        if (every > 0 && reads.incrementAndGet() % every == 0) {
            try {
                Thread.sleep(stall.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return now;
    }

    @Override
    public long millis() {
        return now.toEpochMilli();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("tests use UTC");
    }
}
