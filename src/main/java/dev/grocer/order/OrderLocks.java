package dev.grocer.order;

import java.util.List;

/**
 * One lock per order on this replica, striped over a fixed set of monitors: whatever holds an order's lock
 * (a write, a new watch, the delivery of a change) runs one at a time with everything else on that order.
 */
final class OrderLocks {

    private final List<Object> stripes;

    OrderLocks(int stripes) {
        Object[] monitors = new Object[stripes];
        for (int i = 0; i < stripes; i++) {
            monitors[i] = new Object();
        }
        this.stripes = List.of(monitors);
    }

    /** The monitor to synchronize on for order {@code id}. */
    Object of(String id) {
        return stripes.get(Math.floorMod(id.hashCode(), stripes.size()));
    }

    /** Every monitor, for work that visits all orders a stripe at a time. */
    List<Object> all() {
        return stripes;
    }
}
