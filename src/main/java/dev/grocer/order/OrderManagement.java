package dev.grocer.order;

import java.time.Duration;
import java.util.List;
import java.util.Map;

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
 * replica ({@link OrderLocks}), and the store's compare-and-set on the version decides between replicas, so a
 * cancel and a fulfilment step can never both win.
 *
 * <p>Watchers ({@link OrderWatchers}) hear changes from the store, whichever replica made them, one order's
 * changes in the order they were stored.
 */
@Service
public class OrderManagement {

    /** Writes without an etag retry this often when another replica changed the order in between. */
    private static final int MAX_ATTEMPTS = 5;

    private final OrderRepository repository;
    private final UserManagement users;
    private final OrderProperties properties;
    private final ApplicationEventPublisher events;
    private final OrderLocks locks = new OrderLocks(64);
    private final OrderWatchers watchers;

    OrderManagement(OrderRepository repository, UserManagement users, OrderProperties properties,
            ApplicationEventPublisher events) {
        this.repository = repository;
        this.users = users;
        this.properties = properties;
        this.events = events;
        this.watchers = new OrderWatchers(locks, properties.watchOutboxCapacity());
        repository.listen(watchers);
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

    /** Opens the moves of one UpdateOrder stream: address updates that must all name one order. */
    public AddressMoves openMoves() {
        return new AddressMoves();
    }

    /**
     * The address updates of one UpdateOrder stream. The first update names the order; every later one must name
     * the same order, and a stream must carry at least one. Each update is applied as it arrives, so the updates
     * before a failing one stay applied ({@link #applied()} says how many). Not thread-safe: a stream delivers its
     * messages one at a time.
     */
    public final class AddressMoves {

        private String orderId;
        private Order last;
        private int applied;

        private AddressMoves() {
        }

        /** Moves the order to {@code address}, as {@link #updateAddress} does. */
        public void move(String orderId, Address address) {
            if (this.orderId == null) {
                this.orderId = orderId;
            } else if (!this.orderId.equals(orderId)) {
                throw DomainException.invalidArgument("order_id", "must name the stream's order ('" + this.orderId
                        + "') in every update, was '" + orderId + "'");
            }
            last = updateAddress(this.orderId, address);
            applied++;
        }

        /** How many updates were applied. */
        public int applied() {
            return applied;
        }

        /** The order after the last update; INVALID_ARGUMENT if the stream carried none. */
        public Order result() {
            if (applied == 0) {
                throw DomainException.invalidArgument("order_id",
                        "the stream carried no update; send at least one UpdateOrderRequest");
            }
            return last;
        }
    }

    /** Moves an order's delivery address; FAILED_PRECONDITION once the order is delivered or cancelled. */
    public Order updateAddress(String orderId, Address address) {
        Violations violations = new Violations();
        checkId(orderId, "order_id", violations);
        Address clean = OrderValidation.checkAddress(address, "delivery_address", violations);
        violations.throwIfAny();
        synchronized (locks.of(orderId)) {
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
        synchronized (locks.of(id)) {
            for (int attempt = 1; ; attempt++) {
                Order current = get(id, "id");
                if (!anyVersion && !etag.equals(current.etag())) {
                    throw DomainException.etagMismatch(Order.RESOURCE_TYPE, "order", id, etag, current.etag());
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
        synchronized (locks.of(id)) {
            Order current = repository.findById(id).orElse(null);
            if (current == null || current.status() != from) {
                return null;
            }
            return repository.update(nextStep(current), OrderChange.STATUS_CHANGED);
        }
    }

    /**
     * Moves up to {@code max} orders whose status has not changed for {@code stepDelay} one fulfilment step on;
     * a cancelled or delivered order is never due. Replicas sharing the store may call it at the same time:
     * each step is taken once ({@link OrderRepository#advanceDue}).
     *
     * @return the orders after their step
     */
    List<Order> advanceDue(Duration stepDelay, int max) {
        return repository.advanceDue(stepDelay, max, OrderManagement::nextStep);
    }

    /** A fulfilment step: the order, which must not be final, at the next status on its path. */
    static Order nextStep(Order current) {
        return current.withStatus(current.status().next());
    }

    /**
     * Sends {@code watcher} the order's current state, then every change until the order is final. A
     * watcher of an order that is already final gets its state and is closed.
     */
    public void watch(String id, Subscriber<OrderEvent> watcher) {
        Violations violations = new Violations();
        checkId(id, "id", violations);
        violations.throwIfAny();
        watchers.watch(id, () -> get(id, "id"), watcher);
    }

    /** Stops sending to {@code watcher}, e.g. when its client went away. */
    public void unwatch(String id, Subscriber<OrderEvent> watcher) {
        watchers.unwatch(id, watcher);
    }

    /** How many watches are open, over all orders. */
    public int watchCount() {
        return watchers.count();
    }

    /** Ends every watch, e.g. when the server shuts down. */
    public void closeAllWatches(DomainException reason) {
        watchers.closeAll(reason);
    }

    // A write that lost a compare-and-set to another replica is tried again on the order as it is now.
    private static void rethrowUnlessConflict(DomainException e, int attempt) {
        if (e.kind() != DomainException.Kind.ABORTED || attempt >= MAX_ATTEMPTS) {
            throw e;
        }
    }

    private Order get(String id, String field) {
        Violations violations = new Violations();
        checkId(id, field, violations);
        violations.throwIfAny();
        return repository.findById(id).orElseThrow(() -> DomainException.notFound(Order.RESOURCE_TYPE, "order", id));
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
