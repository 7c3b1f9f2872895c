package dev.grocer.order;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;

import dev.grocer.common.DomainException;
import dev.grocer.common.TimeOrderedIds;

/**
 * The default {@link OrderRepository} ({@code grocer.store=memory}): orders in memory, lost on restart. Reads
 * are lock-free; writes take one lock because each keeps two sorted maps (all orders, and orders by user) in
 * step.
 */
class InMemoryOrderRepository implements OrderRepository {

    private final Clock clock;
    private final TimeOrderedIds ids;
    private final ConcurrentSkipListMap<String, Order> orders = new ConcurrentSkipListMap<>();
    // Keyed "userId/orderId": ids are fixed-length UUIDs, so one user's orders are one range in id order.
    private final ConcurrentSkipListMap<String, Order> byUser = new ConcurrentSkipListMap<>();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final Map<String, Order> createdByRequestId = new HashMap<>();
    // When each order's status last changed (PostgreSQL's status_time), for advanceDue; written under the lock.
    private final Map<String, Instant> statusTimes = new HashMap<>();
    private long version;
    private int count; // orders are never deleted
    private final int maxStored;
    private final OrderChangeRelay changes;

    InMemoryOrderRepository(Clock clock, OrderProperties properties, OrderChangeRelay changes) {
        this.clock = clock;
        this.ids = new TimeOrderedIds(clock);
        this.maxStored = properties.maxStored();
        this.changes = changes;
    }

    @Override
    public Order create(NewOrder order, Money total, String requestId) {
        // Made before taking the lock, as the PostgreSQL store makes them before its insert: orders are stored in
        // any order, not in id order, and listings do not need more (OrderRepository#listAfter).
        String id = ids.next();
        Instant now = clock.instant();
        writeLock.lock();
        try {
            if (requestId != null && createdByRequestId.containsKey(requestId)) {
                return createdByRequestId.get(requestId);
            }
            if (count >= maxStored) {
                throw DomainException.storeFull(Order.RESOURCE_TYPE, "orders", maxStored);
            }
            Order created = new Order(id, order.userId(), order.items(), order.deliveryAddress(),
                    OrderStatus.PLACED, total, now, now, ++version);
            put(created);
            statusTimes.put(created.id(), now);
            count++;
            if (requestId != null) {
                createdByRequestId.put(requestId, created);
            }
            return created;
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public Optional<Order> findById(String id) {
        return Optional.ofNullable(orders.get(id));
    }

    /**
     * {@inheritDoc}
     *
     * <p>With the {@link LocalOrderChangeRelay} the listener is called on the writing thread, after the write
     * and before this returns; one order's changes reach it in the order they were stored as long as its
     * writers take turns, as {@link OrderManagement}'s per-order locks make them.
     */
    @Override
    public Order update(Order next, OrderChange change) {
        Order stored = store(next);
        changes.send(new OrderEvent(change, stored));
        return stored;
    }

    @Override
    public void listen(OrderChangeListener listener) {
        changes.deliverTo(listener, this::findById);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Looks at every order (O(stored)): the memory store's {@link FulfilmentSimulator} times each order
     * itself and never calls this. The steps are stored under the write lock, then announced; a write that
     * {@link OrderManagement} makes to one of these orders meanwhile may be announced first, and a watcher then
     * skips the older step.
     */
    @Override
    public List<Order> advanceDue(Duration stepDelay, int max, UnaryOperator<Order> step) {
        List<Order> stepped = new ArrayList<>();
        writeLock.lock();
        try {
            Instant dueBy = clock.instant().minus(stepDelay);
            List<Order> due = orders.values().stream()
                    .filter(o -> !o.status().isFinal() && !statusTimes.get(o.id()).isAfter(dueBy))
                    .sorted(Comparator.comparing(o -> statusTimes.get(o.id())))
                    .limit(max)
                    .toList();
            for (Order current : due) {
                stepped.add(store(step.apply(current)));
            }
        } finally {
            writeLock.unlock();
        }
        stepped.forEach(o -> changes.send(new OrderEvent(OrderChange.STATUS_CHANGED, o)));
        return stepped;
    }

    private Order store(Order next) {
        writeLock.lock();
        try {
            Order current = orders.get(next.id());
            if (current == null) {
                throw DomainException.notFound(Order.RESOURCE_TYPE, "order", next.id());
            }
            if (current.version() != next.version()) {
                throw DomainException.etagMismatch(Order.RESOURCE_TYPE, "order", next.id(), next.etag(), current.etag());
            }
            Order stored = new Order(current.id(), current.userId(), current.items(), next.deliveryAddress(),
                    next.status(), current.total(), current.createTime(), clock.instant(), ++version);
            put(stored);
            if (stored.status() != current.status()) {
                statusTimes.put(stored.id(), stored.updateTime());
            }
            return stored;
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public List<Order> listAfter(String afterId, int max) {
        return firstOf(afterId == null ? orders.values() : orders.tailMap(afterId, false).values(), max);
    }

    @Override
    public List<Order> listByUserAfter(String userId, String afterId, int max) {
        String from = userId + "/" + (afterId == null ? "" : afterId);
        // '0' is the character after '/', so this range holds exactly this user's keys.
        return firstOf(byUser.subMap(from, afterId == null, userId + "0", false).values(), max);
    }

    private void put(Order order) {
        orders.put(order.id(), order);
        byUser.put(order.userId() + "/" + order.id(), order);
    }

    private static List<Order> firstOf(Collection<Order> values, int max) {
        List<Order> page = new ArrayList<>(Math.min(max, 1024));
        for (Order order : values) {
            if (page.size() == max) {
                break;
            }
            page.add(order);
        }
        return page;
    }
}
