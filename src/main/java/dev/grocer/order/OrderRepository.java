package dev.grocer.order;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Stores orders and enforces what only a store can: idempotent registration and compare-and-set writes.
 * Input and state rules are checked before it gets here ({@link OrderManagement}). Implementations are
 * thread-safe.
 */
public interface OrderRepository {

    /**
     * Stores a new order with a new id, status PLACED and the given total.
     *
     * @param requestId an idempotency key, or {@code null}: a second call with the same key returns the
     *     order the first one stored (as it was then)
     * @throws dev.grocer.common.DomainException RESOURCE_EXHAUSTED (STORE_FULL) if the store holds its maximum
     *     of orders
     */
    Order create(NewOrder order, Money total, String requestId);

    /** The order with this id, if there is one. */
    Optional<Order> findById(String id);

    /**
     * Replaces an order's address and status with those of {@code next}, if the stored order's version is
     * still {@code next.version()}, and announces it: the {@link #listen listener} of every replica sharing
     * the store hears {@code change} with the stored order. Returns the stored order, with a new version and
     * update time.
     *
     * @throws dev.grocer.common.DomainException NOT_FOUND, or ABORTED if the order changed meanwhile
     */
    Order update(Order next, OrderChange change);

    /**
     * Moves up to {@code max} orders one fulfilment step on: those that are not final and whose status has not
     * changed for {@code stepDelay}, longest waiting first, each replaced by {@code step} of it and announced
     * ({@link OrderChange#STATUS_CHANGED}) as {@link #update} does. An order that another caller is stepping
     * meanwhile is skipped, not waited for, so callers on any number of replicas never take one step twice.
     *
     * @param step the order after its step ({@link OrderManagement#nextStep}); only its status is written
     * @return the orders as stored after their step
     */
    List<Order> advanceDue(Duration stepDelay, int max, UnaryOperator<Order> step);

    /**
     * Sets the one listener of stored changes, which the store's {@link OrderChangeRelay} feeds; changes stored
     * before it was set are not replayed.
     */
    void listen(OrderChangeListener listener);

    /**
     * Up to {@code max} orders in id order after {@code afterId} ({@code null}: from the first). O(max).
     *
     * <p>Registrations commit in any order, not in id order (an id is made before its order is stored). Paging
     * with this (or {@link #listByUserAfter}) from the first page still sees every order stored before the
     * listing began exactly once, because an id never changes and is never reused; an order stored during the
     * listing may or may not be seen, depending on whether the listing had passed its id.
     */
    List<Order> listAfter(String afterId, int max);

    /** Up to {@code max} of one user's orders in id order after {@code afterId}. O(max). */
    List<Order> listByUserAfter(String userId, String afterId, int max);
}
