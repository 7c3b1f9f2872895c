package dev.grocer.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.grocer.common.DomainException;
import dev.grocer.testing.MutableClock;

/**
 * What OrderManagement does when another replica changes an order between its read and its write (the
 * store's compare-and-set fails): a write without an etag tries again on the order as it now is; a cancel
 * with an etag does not. The other replica is played by a store that slips a fulfilment step in before
 * the next {@code n} writes.
 */
class OrderWriteConflictTest {

    private final MutableClock clock = new MutableClock();
    private final InMemoryOrderRepository store = new InMemoryOrderRepository(clock,
            InMemoryOrderRepositoryTest.properties(100), new LocalOrderChangeRelay());
    private final AtomicInteger interruptions = new AtomicInteger();
    private final AtomicInteger writes = new AtomicInteger();
    private final OrderManagement orders = new OrderManagement(new OtherReplicaFirst(),
            null, InMemoryOrderRepositoryTest.properties(100), event -> {});

    @Test
    void aCancelWithoutEtag_retriesAfterAnotherReplicasStep_andCancels() {
        Order placed = placeOrder();
        interruptions.set(1);

        Order cancelled = orders.cancel(placed.id(), "");

        assertThat(cancelled.status()).isEqualTo(OrderStatus.CANCELLED);
        assertThat(writes.get()).isEqualTo(3); // the other replica's step, the lost write, the retry
        assertThat(store.findById(placed.id()).orElseThrow()).isEqualTo(cancelled);
    }

    @Test
    void aCancelWithTheEtagItRead_isAbortedWhenAnotherReplicaWroteFirst_andChangesNothingMore() {
        Order placed = placeOrder();
        interruptions.set(1);

        DomainException e = catchThrowableOfType(DomainException.class, () -> orders.cancel(placed.id(), placed.etag()));

        assertThat(e.kind()).isEqualTo(DomainException.Kind.ABORTED);
        assertThat(e.reason()).isEqualTo("ETAG_MISMATCH");
        assertThat(store.findById(placed.id()).orElseThrow().status()).isEqualTo(OrderStatus.PREPARING);
    }

    @Test
    void anAddressUpdate_retriesAfterAnotherReplicasMoves_andItsAddressIsTheLast() {
        Order placed = placeOrder();
        interruptions.set(2);
        Address work = new Address("Harbour Road", "1", "Shelbyville", "12345");

        Order moved = orders.updateAddress(placed.id(), work);

        assertThat(moved.deliveryAddress()).isEqualTo(work);
        assertThat(writes.get()).isEqualTo(5); // two of theirs, two lost, the third try
        assertThat(store.findById(placed.id()).orElseThrow()).isEqualTo(moved);
    }

    @Test
    void aCancelLosingToEveryStep_findsTheOrderDelivered() {
        Order placed = placeOrder();
        interruptions.set(3); // PLACED -> PREPARING -> OUT_FOR_DELIVERY -> DELIVERED, one step before each try

        DomainException e = catchThrowableOfType(DomainException.class, () -> orders.cancel(placed.id(), ""));

        assertThat(e.kind()).isEqualTo(DomainException.Kind.FAILED_PRECONDITION);
        assertThat(e.reason()).isEqualTo("ORDER_ALREADY_DELIVERED");
    }

    @Test
    void aWriteThatKeepsLosing_givesUpAfterFiveAttempts_withAborted() {
        Order placed = placeOrder();
        interruptions.set(Integer.MAX_VALUE);

        DomainException aborted = catchThrowableOfType(DomainException.class,
                () -> orders.updateAddress(placed.id(), new Address("Quay", "1", "Ogdenville", "1")));

        assertThat(aborted.kind()).isEqualTo(DomainException.Kind.ABORTED);
        assertThat(aborted.reason()).isEqualTo("ETAG_MISMATCH");
        assertThat(writes.get()).isEqualTo(10); // five of theirs, five lost
        assertThat(store.findById(placed.id()).orElseThrow().deliveryAddress().street()).isEqualTo("X");
    }

    private Order placeOrder() {
        NewOrder order = OrderRepositoryContract.groceries(OrderRepositoryContract.ADA);
        return store.create(order, OrderRepositoryContract.totalOf(order), null);
    }

    /**
     * The store as this replica sees it while another replica is busy: before a write, the other replica
     * changes the order, so the write's compare-and-set fails. Before a status change it takes a fulfilment
     * step; before an address change it moves the address.
     */
    private final class OtherReplicaFirst implements OrderRepository {

        @Override
        public Order update(Order next, OrderChange change) {
            if (interruptions.getAndDecrement() > 0) {
                Order current = store.findById(next.id()).orElseThrow();
                boolean move = change == OrderChange.ADDRESS_UPDATED;
                Order theirs = move ? current.withAddress(new Address("X", "1", "Y", "1"))
                        : current.withStatus(current.status().next());
                writes.incrementAndGet();
                store.update(theirs, move ? OrderChange.ADDRESS_UPDATED : OrderChange.STATUS_CHANGED);
            }
            writes.incrementAndGet();
            return store.update(next, change);
        }

        @Override
        public Order create(NewOrder order, Money total, String requestId) {
            return store.create(order, total, requestId);
        }

        @Override
        public Optional<Order> findById(String id) {
            return store.findById(id);
        }

        @Override
        public List<Order> listAfter(String afterId, int max) {
            return store.listAfter(afterId, max);
        }

        @Override
        public List<Order> listByUserAfter(String userId, String afterId, int max) {
            return store.listByUserAfter(userId, afterId, max);
        }

        @Override
        public List<Order> advanceDue(java.time.Duration stepDelay, int max,
                java.util.function.UnaryOperator<Order> step) {
            return store.advanceDue(stepDelay, max, step);
        }

        @Override
        public void listen(OrderChangeListener listener) {
            store.listen(listener);
        }
    }
}
