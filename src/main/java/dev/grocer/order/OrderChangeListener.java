package dev.grocer.order;

/**
 * Hears the changes an {@link OrderRepository} stores, made on this replica or on any other sharing the
 * store: one order's changes one at a time, in the order they were stored.
 */
interface OrderChangeListener {

    /**
     * Whether this replica wants the changes of order {@code id} now; {@code false} spares the PostgreSQL
     * store a read for each change nobody here watches.
     */
    boolean wants(String id);

    /** A change was stored; {@code event.order()} is the order as that change left it. */
    void changed(OrderEvent event);

    /** Changes may have been lost on the way to this replica (its link to the others broke for a while). */
    void missed();

    /**
     * A change of order {@code id} reached this replica but could not be passed on (the store could not be read
     * to complete it): that order's watchers may have missed it.
     */
    void missed(String id);
}
