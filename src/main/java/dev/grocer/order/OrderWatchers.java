package dev.grocer.order;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import dev.grocer.common.DomainException;
import dev.grocer.common.Subscriber;

/**
 * The watches of orders open on this replica, and the listener that feeds them: they hear changes from the
 * store ({@link OrderRepository#listen}), whichever replica made them, one order's changes in the order they
 * were stored. Each watcher remembers the version it was last sent, so a change that its first event already
 * showed is not sent twice. Used by {@link OrderManagement}.
 */
final class OrderWatchers implements OrderChangeListener {

    private final OrderLocks locks;
    private final int outboxCapacity;
    // Watchers by order id, each with the version of the last event it was sent; an order's map is read and
    // written only while holding that order's lock.
    private final Map<String, Map<Subscriber<OrderEvent>, Long>> watchers = new ConcurrentHashMap<>();

    /**
     * @param outboxCapacity how many events a watcher may have waiting ({@code grocer.orders.watch-outbox-capacity}),
     *     named in the error that ends a watcher that falls behind
     */
    OrderWatchers(OrderLocks locks, int outboxCapacity) {
        this.locks = locks;
        this.outboxCapacity = outboxCapacity;
    }

    /**
     * Sends {@code watcher} the order's current state, read with {@code current} while holding the order's lock
     * (so no change can slip in between), then keeps it for every change until the order is final. A watcher of
     * an order that is already final gets its state and is closed.
     */
    void watch(String id, Supplier<Order> current, Subscriber<OrderEvent> watcher) {
        synchronized (locks.of(id)) {
            Order order = current.get();
            watcher.offer(new OrderEvent(OrderChange.CURRENT_STATE, order));
            if (order.status().isFinal()) {
                watcher.close(null);
            } else {
                watchers.computeIfAbsent(id, k -> new HashMap<>()).put(watcher, order.version());
            }
        }
        watcher.flush();
    }

    /** Stops sending to {@code watcher}, e.g. when its client went away. */
    void unwatch(String id, Subscriber<OrderEvent> watcher) {
        synchronized (locks.of(id)) {
            Map<Subscriber<OrderEvent>, Long> watching = watchers.get(id);
            if (watching != null && watching.remove(watcher) != null && watching.isEmpty()) {
                watchers.remove(id);
            }
        }
    }

    /** How many watches are open, over all orders. */
    int count() {
        int count = 0;
        for (Object lock : locks.all()) {
            synchronized (lock) {
                for (Map.Entry<String, Map<Subscriber<OrderEvent>, Long>> entry : watchers.entrySet()) {
                    if (locks.of(entry.getKey()) == lock) {
                        count += entry.getValue().size();
                    }
                }
            }
        }
        return count;
    }

    /** Ends every watch with {@code reason}. */
    void closeAll(DomainException reason) {
        for (Object lock : locks.all()) {
            List<Subscriber<OrderEvent>> closing = new ArrayList<>();
            synchronized (lock) {
                watchers.entrySet().removeIf(entry -> {
                    if (locks.of(entry.getKey()) != lock) {
                        return false;
                    }
                    closing.addAll(entry.getValue().keySet());
                    return true;
                });
            }
            closing.forEach(w -> w.close(reason));
        }
    }

    @Override
    public boolean wants(String id) {
        return watchers.containsKey(id);
    }

    @Override
    public void changed(OrderEvent event) {
        synchronized (locks.of(event.order().id())) {
            deliver(event);
        }
    }

    @Override
    public void missed() {
        closeAll(DomainException.unavailable("ORDER_EVENTS_MISSED",
                "this server lost contact with the other replicas for a moment and may have missed changes;"
                        + " watch again to resume"));
    }

    @Override
    public void missed(String id) {
        List<Subscriber<OrderEvent>> closing;
        synchronized (locks.of(id)) {
            Map<Subscriber<OrderEvent>, Long> watching = watchers.remove(id);
            closing = watching == null ? List.of() : List.copyOf(watching.keySet());
        }
        DomainException reason = DomainException.unavailable("ORDER_EVENTS_MISSED",
                "this server could not read a change of order '" + id + "' made through another replica, so this"
                        + " watch may have missed it; watch again to resume");
        closing.forEach(w -> w.close(reason));
    }

    // Called with the order's lock held: queues the event for every watcher that has not seen it yet.
    private void deliver(OrderEvent event) {
        String id = event.order().id();
        Map<Subscriber<OrderEvent>, Long> watching = watchers.get(id);
        if (watching == null) {
            return;
        }
        long version = event.order().version();
        boolean last = event.order().status().isFinal();
        for (Subscriber<OrderEvent> watcher : List.copyOf(watching.keySet())) {
            if (watching.get(watcher) >= version) {
                continue; // its first event (the current state) was read after this change
            }
            watching.put(watcher, version);
            if (!watcher.offer(event)) {
                watching.remove(watcher);
                watcher.close(DomainException.resourceExhausted("WATCHER_TOO_SLOW",
                        "this watch was ended because events arrived faster than they were read ("
                                + outboxCapacity + " were waiting); watch again to resume",
                        Map.of("watch_outbox_capacity", Integer.toString(outboxCapacity))));
            } else if (last) {
                watcher.close(null); // sends what is queued, then completes
            } else {
                watcher.flush();
            }
        }
        if (last || watching.isEmpty()) {
            watchers.remove(id);
        }
    }
}
