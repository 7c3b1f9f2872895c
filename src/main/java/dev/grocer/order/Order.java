package dev.grocer.order;

import java.time.Instant;
import java.util.List;

/**
 * A supermarket order, as stored.
 *
 * @param id server-assigned, a time-ordered UUID
 * @param userId the user who placed it
 * @param items what was ordered, at least one line
 * @param deliveryAddress where to deliver it
 * @param status where it is in its life
 * @param total the sum of the items, in their currency
 * @param createTime when it was registered
 * @param updateTime when it last changed
 * @param version grows on every write to any order; orders a watcher's events and makes the etag
 */
public record Order(String id, String userId, List<OrderItem> items, Address deliveryAddress, OrderStatus status,
        Money total, Instant createTime, Instant updateTime, long version) {

    /** The resource type errors name (AIP-193 {@code ResourceInfo}): the contract's message. */
    static final String RESOURCE_TYPE = "grocer.order.v1.Order";

    public Order {
        items = List.copyOf(items);
    }

    /** The opaque tag a client sends back to act only on the version it read. */
    public String etag() {
        return Long.toString(version, 36);
    }

    Order withAddress(Address address) {
        return new Order(id, userId, items, address, status, total, createTime, updateTime, version);
    }

    Order withStatus(OrderStatus newStatus) {
        return new Order(id, userId, items, deliveryAddress, newStatus, total, createTime, updateTime, version);
    }
}
