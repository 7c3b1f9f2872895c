package dev.grocer.order;

import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.grocer.store.PostgresNotifications;

/**
 * The relay between replicas: one PostgreSQL notification on {@code grocer_orders} per stored change,
 * sent in the transaction of the change, so it goes out exactly when the change commits and every replica
 * hears one order's changes in the order they were stored.
 *
 * <p>A notification holds at most 8000 bytes and an order up to 100 items, so it carries only what a change
 * can alter (status, address, update time, version); a replica that has watchers of the order adds the rest
 * (items, total, user, create time, which never change) from the store. If that read fails, the order's watchers
 * are ended ({@link OrderChangeListener#missed(String)}) rather than left to miss the change unknowingly.
 */
class PostgresOrderChangeRelay implements OrderChangeRelay {

    private static final Logger log = LoggerFactory.getLogger(PostgresOrderChangeRelay.class);

    static final String CHANNEL = "grocer_orders";

    private final PostgresNotifications notifications;

    PostgresOrderChangeRelay(PostgresNotifications notifications) {
        this.notifications = notifications;
    }

    /** Announces a stored change when the transaction it is called in commits (at once outside one). */
    @Override
    public void send(OrderEvent event) {
        Order stored = event.order();
        Address a = stored.deliveryAddress();
        notifications.send(CHANNEL, new Wire(event.change().name(), stored.id(), stored.version(), stored.status().name(),
                a.street(), a.number(), a.city(), a.postalCode(), stored.updateTime().toString()));
    }

    /** Passes every replica's changes to {@code listener}, completing each order with {@code find}. */
    @Override
    public void deliverTo(OrderChangeListener listener, Function<String, Optional<Order>> find) {
        notifications.listen(CHANNEL, Wire.class, wire -> {
            if (!listener.wants(wire.id())) {
                return;
            }
            Optional<Order> found;
            try {
                found = find.apply(wire.id());
            } catch (RuntimeException e) {
                // The change is real (it committed) but cannot be passed on whole: the watchers must not just miss it.
                log.warn("Could not read order {} to pass on a change from another replica ({}); its watchers are ended",
                        wire.id(), e.getMessage());
                listener.missed(wire.id());
                return;
            }
            found.ifPresent(order -> listener.changed(new OrderEvent(OrderChange.valueOf(wire.change()),
                    new Order(order.id(), order.userId(), order.items(),
                            new Address(wire.street(), wire.number(), wire.city(), wire.postalCode()),
                            OrderStatus.valueOf(wire.status()), order.total(), order.createTime(),
                            Instant.parse(wire.updateTime()), wire.version()))));
        }, listener::missed);
    }

    /** What a notification carries: the parts of an order a change can alter. */
    record Wire(String change, String id, long version, String status, String street, String number, String city,
            String postalCode, String updateTime) {}
}
