package dev.grocer.order;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.grocer.common.DomainException;
import dev.grocer.common.Subscriber;

/** {@link OrderWatchers} on its own: a change of one order that could not be passed on ends that order's watchers. */
class OrderWatchersTest {

    private final OrderWatchers watchers = new OrderWatchers(new OrderLocks(16), 64);

    @Test
    void aMissedChangeOfOneOrder_endsItsWatchersWithOrderEventsMissed_andLeavesOtherOrdersWatched() {
        Recorder first = new Recorder();
        Recorder second = new Recorder();
        Recorder other = new Recorder();
        watchers.watch("order-1", () -> placed("order-1"), first);
        watchers.watch("order-1", () -> placed("order-1"), second);
        watchers.watch("order-2", () -> placed("order-2"), other);

        watchers.missed("order-1");

        for (Recorder ended : List.of(first, second)) {
            assertThat(ended.closedWith.kind()).isEqualTo(DomainException.Kind.UNAVAILABLE);
            assertThat(ended.closedWith.reason()).isEqualTo("ORDER_EVENTS_MISSED");
            assertThat(ended.closedWith.getMessage()).isEqualTo("this server could not read a change of order 'order-1'"
                    + " made through another replica, so this watch may have missed it; watch again to resume");
        }
        assertThat(other.closed).isFalse();
        assertThat(watchers.wants("order-1")).isFalse();
        assertThat(watchers.wants("order-2")).isTrue();
        assertThat(watchers.count()).isEqualTo(1);
    }

    private static Order placed(String id) {
        Instant now = Instant.parse("2026-12-02T10:00:00Z");
        return new Order(id, OrderRepositoryContract.ADA, List.of(), OrderRepositoryContract.HOME, OrderStatus.PLACED,
                null, now, now, 1);
    }

    /** Keeps what it is sent and how it was closed. */
    private static final class Recorder implements Subscriber<OrderEvent> {
        final List<OrderEvent> offered = new ArrayList<>();
        boolean closed;
        DomainException closedWith;

        @Override
        public boolean offer(OrderEvent value) {
            offered.add(value);
            return true;
        }

        @Override
        public void flush() {}

        @Override
        public void close(DomainException reason) {
            closed = true;
            closedWith = reason;
        }
    }
}
