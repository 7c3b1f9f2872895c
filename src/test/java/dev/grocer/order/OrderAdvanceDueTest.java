package dev.grocer.order;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import dev.grocer.common.DomainException;
import dev.grocer.common.Subscriber;
import dev.grocer.testing.MutableClock;

/**
 * The shared fulfilment's route ({@link SharedFulfilment} calls {@link OrderManagement#advanceDue}), on the
 * memory store: what is due moves one step, what is final never does, and a watcher hears each step.
 */
class OrderAdvanceDueTest {

    private final MutableClock clock = new MutableClock();
    private final InMemoryOrderRepository store = new InMemoryOrderRepository(clock,
            InMemoryOrderRepositoryTest.properties(100), new LocalOrderChangeRelay());
    private final OrderManagement orders = new OrderManagement(store, null,
            InMemoryOrderRepositoryTest.properties(100), event -> {});

    @Test
    void advanceDue_movesEachDueOrderOneStep_leavesCancelledOnesAlone_andWatchersHearEachStep() {
        NewOrder groceries = OrderRepositoryContract.groceries(OrderRepositoryContract.ADA);
        Order placed = store.create(groceries, OrderRepositoryContract.totalOf(groceries), null);
        Order cancelled = orders.cancel(store.create(groceries, OrderRepositoryContract.totalOf(groceries), null).id(),
                "");
        Recording watcher = new Recording();
        orders.watch(placed.id(), watcher);

        List<Order> early = orders.advanceDue(Duration.ofSeconds(2), 10);
        clock.advance(Duration.ofSeconds(2));
        List<Order> preparing = orders.advanceDue(Duration.ofSeconds(2), 10);
        clock.advance(Duration.ofSeconds(2));
        List<Order> outForDelivery = orders.advanceDue(Duration.ofSeconds(2), 10);
        clock.advance(Duration.ofSeconds(2));
        List<Order> delivered = orders.advanceDue(Duration.ofSeconds(2), 10);
        clock.advance(Duration.ofSeconds(2));
        List<Order> after = orders.advanceDue(Duration.ofSeconds(2), 10);

        assertThat(early).isEmpty();
        assertThat(List.of(preparing, outForDelivery, delivered)).allSatisfy(step -> assertThat(step)
                .extracting(Order::id).containsExactly(placed.id()));
        assertThat(delivered.get(0).status()).isEqualTo(OrderStatus.DELIVERED);
        assertThat(after).isEmpty();
        assertThat(store.findById(cancelled.id())).contains(cancelled);
        assertThat(watcher.events).containsExactly(new OrderEvent(OrderChange.CURRENT_STATE, placed),
                new OrderEvent(OrderChange.STATUS_CHANGED, preparing.get(0)),
                new OrderEvent(OrderChange.STATUS_CHANGED, outForDelivery.get(0)),
                new OrderEvent(OrderChange.STATUS_CHANGED, delivered.get(0)));
        assertThat(watcher.closed).isTrue();
        assertThat(orders.watchCount()).isZero();
    }

    /** A watcher that keeps every event and never falls behind. */
    private static final class Recording implements Subscriber<OrderEvent> {
        final List<OrderEvent> events = new CopyOnWriteArrayList<>();
        volatile boolean closed;

        @Override
        public boolean offer(OrderEvent value) {
            events.add(value);
            return true;
        }

        @Override
        public void flush() {
        }

        @Override
        public void close(DomainException reason) {
            assertThat(reason).isNull();
            closed = true;
        }
    }
}
