package dev.grocer.order;

import java.util.Optional;
import java.util.function.Function;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * The relay of the memory store: one process, so a change goes straight to the listener, on the writing
 * thread, after the write and before it returns.
 */
@Component
@ConditionalOnProperty(name = "grocer.store", havingValue = "memory", matchIfMissing = true)
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
