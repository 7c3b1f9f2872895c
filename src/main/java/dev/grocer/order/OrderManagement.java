package dev.grocer.order;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;

import dev.grocer.common.DomainException;
import dev.grocer.common.PageRequest;
import dev.grocer.common.Subscriber;
import dev.grocer.common.TimeOrderedIds;
import dev.grocer.common.Violations;
import dev.grocer.user.UserManagement;

/**
 * OrderService's rules: which changes each status allows, and who hears about each change ({@link
 * OrderValidation} says what a valid order is). Writes to one order happen one at a time per order on this
 * replica (a striped lock), and the store's compare-and-set on the version decides between replicas, so a
 * cancel and a fulfilment step can never both win.
 *
 * <p>Watchers hear changes from the store ({@link OrderRepository#listen}), whichever replica made them,
 * one order's changes in the order they were stored. Each watcher remembers the version it was last sent,
 * so a change that its first event already showed is not sent twice.
 */
@Service
public class OrderManagement {

    private static final String TYPE = InMemoryOrderRepository.TYPE;
    /** Writes without an etag retry this often when another replica changed the order in between. */
    private static final int MAX_ATTEMPTS = 5;

    private final OrderRepository repository;
    private final UserManagement users;
    private final OrderProperties properties;
    private final ApplicationEventPublisher events;
    private final Object[] stripes = new Object[64];
    // Watchers by order id, each with the version of the last event it was sent; an order's map is read and
    // written only while holding that order's stripe.
    private final Map<String, Map<Subscriber<OrderEvent>, Long>> watchers = new ConcurrentHashMap<>();

    OrderManagement(OrderRepository repository, UserManagement users, OrderProperties properties,
            ApplicationEventPublisher events) {
        this.repository = repository;
        this.users = users;
        this.properties = properties;
        this.events = events;
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new Object();
        }
        repository.listen(new Changes());
    }

    /** Places an order for an existing user. */
    public Order register(NewOrder order, String requestId) {
        Violations violations = new Violations();
        boolean userIdWellFormed = violations.check(TimeOrderedIds.isCanonicalUuid(order.userId()), "order.user_id",
                "must be the id of an existing user (a lower-case UUID), was '" + order.userId() + "'");
        List<OrderItem> items = OrderValidation.checkItems(order.items(), violations);
        Address address = OrderValidation.checkAddress(order.deliveryAddress(), "order.delivery_address", violations);
        String key = violations.requestId(requestId);
        violations.throwIfAny();
        if (userIdWellFormed) {
            users.get(order.userId(), "order.user_id"); // NOT_FOUND for an unknown user
        }
        Money total = items.stream().map(i -> i.unitPrice().times(i.quantity())).reduce(Money::plus).orElseThrow();
        Order created = repository.create(new NewOrder(order.userId(), items, address), total, key);
        events.publishEvent(new OrderRegistered(created.id()));
        return created;
    }

    /** The order with this id. */
    public Order get(String id) {
        return get(id, "id");
    }

    /** A page of orders, oldest first, optionally one user's only. */
    public PageRequest.Page<Order> list(int pageSize, String pageToken, String userId) {
        boolean byUser = userId != null && !userId.isEmpty();
        if (byUser && !TimeOrderedIds.isCanonicalUuid(userId)) {
            throw DomainException.invalidArgument("user_id", "must be a user id (a lower-case UUID) or empty, was '"
                    + userId + "'");
        }
        PageRequest page = PageRequest.of(pageSize, pageToken, "ListOrders?user_id=" + (byUser ? userId : ""),
                properties.defaultPageSize(), properties.maxPageSize(), TimeOrderedIds::isCanonicalUuid);
        List<Order> fetched = byUser
                ? repository.listByUserAfter(userId, page.afterKey(), page.fetchSize())
                : repository.listAfter(page.afterKey(), page.fetchSize());
        return page.toPage(fetched, Order::id);
    }

    /** Moves an order's delivery address; FAILED_PRECONDITION once the order is delivered or cancelled. */
    public Order updateAddress(String orderId, Address address) {
        Violations violations = new Violations();
        checkId(orderId, "order_id", violations);
        Address clean = OrderValidation.checkAddress(address, "delivery_address", violations);
        violations.throwIfAny();
        synchronized (stripe(orderId)) {
            for (int attempt = 1; ; attempt++) {
                Order current = get(orderId, "order_id");
                rejectFinal(current, "update the address of");
                try {
                    return repository.update(current.withAddress(clean), OrderChange.ADDRESS_UPDATED);
                } catch (DomainException e) {
                    rethrowUnlessConflict(e, attempt);
                }
            }
        }
    }

    /**
     * Cancels an order; FAILED_PRECONDITION if it is already delivered or cancelled.
     *
     * @param etag the etag the caller read, or empty to cancel whatever the current version is
     */
    public Order cancel(String id, String etag) {
        Violations violations = new Violations();
        checkId(id, "id", violations);
        violations.throwIfAny();
        boolean anyVersion = etag == null || etag.isEmpty();
        synchronized (stripe(id)) {
            for (int attempt = 1; ; attempt++) {
                Order current = get(id, "id");
                if (!anyVersion && !etag.equals(current.etag())) {
                    throw DomainException.etagMismatch(TYPE, "order", id, etag, current.etag());
                }
                rejectFinal(current, "cancel");
                try {
                    return repository.update(current.withStatus(OrderStatus.CANCELLED), OrderChange.CANCELLED);
                } catch (DomainException e) {
                    if (!anyVersion) {
                        throw e; // the caller asked for the version it read, which is gone
                    }
                    rethrowUnlessConflict(e, attempt);
                }
            }
        }
    }

    /**
     * Moves an order one fulfilment step on, if it is still at {@code from}; a cancelled or already
     * advanced order is left alone.
     *
     * @return the order after the step, or {@code null} if it was not at {@code from} (or is gone)
     */
    Order advance(String id, OrderStatus from) {
        synchronized (stripe(id)) {
            Order current = repository.findById(id).orElse(null);
            if (current == null || current.status() != from) {
                return null;
            }
            return repository.update(current.withStatus(from.next()), OrderChange.STATUS_CHANGED);
        }
    }

    /**
     * Sends {@code watcher} the order's current state, then every change until the order is final. A
     * watcher of an order that is already final gets its state and is closed.
     */
    public void watch(String id, Subscriber<OrderEvent> watcher) {
        Violations violations = new Violations();
        checkId(id, "id", violations);
        violations.throwIfAny();
        synchronized (stripe(id)) {
            Order current = get(id, "id");
            watcher.offer(new OrderEvent(OrderChange.CURRENT_STATE, current));
            if (current.status().isFinal()) {
                watcher.close(null);
            } else {
                watchers.computeIfAbsent(id, k -> new HashMap<>()).put(watcher, current.version());
            }
        }
        watcher.flush();
    }

    /** Stops sending to {@code watcher}, e.g. when its client went away. */
    public void unwatch(String id, Subscriber<OrderEvent> watcher) {
        synchronized (stripe(id)) {
            Map<Subscriber<OrderEvent>, Long> watching = watchers.get(id);
            if (watching != null && watching.remove(watcher) != null && watching.isEmpty()) {
                watchers.remove(id);
            }
        }
    }

    /** How many watches are open, over all orders. */
    public int watchCount() {
        int count = 0;
        for (Object stripe : stripes) {
            synchronized (stripe) {
                for (Map.Entry<String, Map<Subscriber<OrderEvent>, Long>> entry : watchers.entrySet()) {
                    if (stripe(entry.getKey()) == stripe) {
                        count += entry.getValue().size();
                    }
                }
            }
        }
        return count;
    }

    /** Ends every watch, e.g. when the server shuts down. */
    public void closeAllWatches(DomainException reason) {
        for (Object stripe : stripes) {
            List<Subscriber<OrderEvent>> closing = new ArrayList<>();
            synchronized (stripe) {
                watchers.entrySet().removeIf(entry -> {
                    if (stripe(entry.getKey()) != stripe) {
                        return false;
                    }
                    closing.addAll(entry.getValue().keySet());
                    return true;
                });
            }
            closing.forEach(w -> w.close(reason));
        }
    }

    // Called with the order's stripe held: queues the event for every watcher that has not seen it yet.
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
                                + properties.watchOutboxCapacity() + " were waiting); watch again to resume",
                        Map.of("watch_outbox_capacity", Integer.toString(properties.watchOutboxCapacity()))));
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

    // A write that lost a compare-and-set to another replica is tried again on the order as it is now.
    private static void rethrowUnlessConflict(DomainException e, int attempt) {
        if (e.kind() != DomainException.Kind.ABORTED || attempt >= MAX_ATTEMPTS) {
            throw e;
        }
    }

    /** What this replica does with the store's changes: sends them to its watchers. */
    private final class Changes implements OrderChangeListener {

        @Override
        public boolean wants(String id) {
            return watchers.containsKey(id);
        }

        @Override
        public void changed(OrderEvent event) {
            synchronized (stripe(event.order().id())) {
                deliver(event);
            }
        }

        @Override
        public void missed() {
            closeAllWatches(DomainException.unavailable("ORDER_EVENTS_MISSED",
                    "this server lost contact with the other replicas for a moment and may have missed changes;"
                            + " watch again to resume"));
        }
    }

    private Order get(String id, String field) {
        Violations violations = new Violations();
        checkId(id, field, violations);
        violations.throwIfAny();
        return repository.findById(id).orElseThrow(() -> DomainException.notFound(TYPE, "order", id));
    }

    private Object stripe(String id) {
        return stripes[Math.floorMod(id.hashCode(), stripes.length)];
    }

    private static void rejectFinal(Order order, String action) {
        if (order.status().isFinal()) {
            String state = order.status() == OrderStatus.DELIVERED ? "DELIVERED" : "CANCELLED";
            throw DomainException.failedPrecondition("ORDER_ALREADY_" + state,
                    "cannot " + action + " order '" + order.id() + "': it is already " + state.toLowerCase(),
                    Map.of("id", order.id(), "status", "ORDER_STATUS_" + state));
        }
    }

    private static void checkId(String id, String field, Violations violations) {
        violations.id(id, field, "an order id as returned by RegisterOrder");
    }
}
