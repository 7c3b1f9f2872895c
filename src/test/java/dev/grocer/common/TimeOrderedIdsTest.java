package dev.grocer.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.grocer.testing.MutableClock;

class TimeOrderedIdsTest {

    private final MutableClock clock = new MutableClock();
    private final TimeOrderedIds ids = new TimeOrderedIds(clock);

    @Test
    void idsAreVersion7UuidsCarryingTheClocksMilliseconds() {
        UUID id = UUID.fromString(ids.next());

        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(MutableClock.START.toEpochMilli());
    }

    @Test
    void idsIncreaseStrictlyEvenWithinOneMillisecondAndWhenTheClockGoesBack() {
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) { // more than the 4096 a millisecond's counter holds
            made.add(ids.next());
        }
        clock.set(Instant.parse("2025-01-01T00:00:00Z"));
        made.add(ids.next());

        assertThat(made).isSorted().doesNotHaveDuplicates();
        assertThat(made).allMatch(TimeOrderedIds::isCanonicalUuid);
    }

    @Test
    void isCanonicalUuid_acceptsOnlyLowerCaseCanonicalText() {
        assertThat(TimeOrderedIds.isCanonicalUuid("0190b8d2-6f1e-7c3a-9d4b-2f6c1e8a5b7d")).isTrue();
        assertThat(TimeOrderedIds.isCanonicalUuid("0190B8D2-6F1E-7C3A-9D4B-2F6C1E8A5B7D")).isFalse();
        assertThat(TimeOrderedIds.isCanonicalUuid("190b8d2-6f1e-7c3a-9d4b-2f6c1e8a5b7d0")).isFalse();
        assertThat(TimeOrderedIds.isCanonicalUuid("")).isFalse();
        assertThat(TimeOrderedIds.isCanonicalUuid("not-a-uuid-at-all-but-36-characters!")).isFalse();
    }
}
