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

    public void set(Instant instant) {
        now = instant;
    }

    public Instant advance(Duration duration) {
        now = now.plus(duration);
        return now;
    }

    @Override
    public Instant instant() {
        return now;
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
