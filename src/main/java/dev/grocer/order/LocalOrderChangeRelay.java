package dev.grocer.order;

import java.util.Optional;
import java.util.function.Function;

/**
 * The relay of the memory store: one process, so a change goes straight to the listener, on the writing
 * thread, after the write and before it returns.
 */
class LocalOrderChangeRelay implements OrderChangeRelay {

    private volatile OrderChangeListener listener;

    @Override
    public void send(OrderEvent event) {
        OrderChangeListener current = listener;
        if (current != null && current.wants(event.order().id())) {
            current.changed(event);
        }
    }

    @Override
    public void deliverTo(OrderChangeListener listener, Function<String, Optional<Order>> find) {
        this.listener = listener;
    }
}
