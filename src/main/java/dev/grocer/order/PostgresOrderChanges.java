package dev.grocer.order;

import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.grocer.store.PostgresNotifications;

/**
 * Order changes between replicas: one PostgreSQL notification on {@code grocer_orders} per stored change,
 * sent in the transaction of the change, so it goes out exactly when the change commits and every replica
 * hears one order's changes in the order they were stored.
 *
 * <p>A notification holds at most 8000 bytes and an order up to 100 items, so it carries only what a change
 * can alter (status, address, update time, version); a replica that has watchers of the order adds the rest
 * (items, total, user, create time, which never change) from the store.
 */
@Component
@ConditionalOnProperty(name = "grocer.store", havingValue = "postgres")
class PostgresOrderChanges {

    static final String CHANNEL = "grocer_orders";

    private final PostgresNotifications notifications;
    private final ObjectMapper json;

    PostgresOrderChanges(PostgresNotifications notifications, ObjectMapper json) {
        this.notifications = notifications;
        this.json = json;
    }

    /** Announces a stored change; call it inside the transaction that stored it. */
    void send(OrderChange change, Order stored) {
        Address a = stored.deliveryAddress();
        try {
            notifications.send(CHANNEL, json.writeValueAsString(new Wire(change.name(), stored.id(), stored.version(),
                    stored.status().name(), a.street(), a.number(), a.city(), a.postalCode(),
                    stored.updateTime().toString())));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode an order change", e);
        }
    }

    /** Passes every replica's changes to {@code listener}, completing each order with {@code find}. */
    void listen(OrderChangeListener listener, Function<String, Optional<Order>> find) {
        notifications.listen(CHANNEL, new PostgresNotifications.Listener() {
            @Override
            public void received(String payload) {
                Wire wire;
                try {
                    wire = json.readValue(payload, Wire.class);
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException("not an order change: " + e.getOriginalMessage(), e);
                }
                if (!listener.wants(wire.id())) {
                    return;
                }
                find.apply(wire.id()).ifPresent(order -> listener.changed(new OrderEvent(
                        OrderChange.valueOf(wire.change()),
                        new Order(order.id(), order.userId(), order.items(),
                                new Address(wire.street(), wire.number(), wire.city(), wire.postalCode()),
                                OrderStatus.valueOf(wire.status()), order.total(), order.createTime(),
                                Instant.parse(wire.updateTime()), wire.version()))));
            }

            @Override
            public void missed() {
                listener.missed();
            }
        });
    }

    /** What a notification carries: the parts of an order a change can alter. */
    record Wire(String change, String id, long version, String status, String street, String number, String city,
            String postalCode, String updateTime) {}
}
