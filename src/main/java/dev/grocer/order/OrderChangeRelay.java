package dev.grocer.order;

import java.util.Optional;
import java.util.function.Function;

/**
 * Carries the changes a store writes to the listener of every replica sharing the store, this one included,
 * one order's changes in the order they were stored: a store announces its changes only through its relay,
 * never to its listener directly.
 */
interface OrderChangeRelay {

    /**
     * Passes a stored change on to every replica's listener, this one's too. A store calls it inside the
     * transaction that stored the change, where there is one, so the change travels if and when it commits.
     */
    void send(OrderEvent event);

    /**
     * Sets this replica's listener: it hears the changes of every replica to the orders it
     * {@linkplain OrderChangeListener#wants wants}, and is told when some may have been
     * {@linkplain OrderChangeListener#missed missed}. {@code find} reads an order from the store, for a relay
     * that carries only what a change can alter.
     */
    void deliverTo(OrderChangeListener listener, Function<String, Optional<Order>> find);
}
