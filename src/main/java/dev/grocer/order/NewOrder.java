package dev.grocer.order;

import java.util.List;

/**
 * The caller's part of an order to register; the server adds id, status, total, timestamps and etag.
 *
 * @param userId who orders
 * @param items what
 * @param deliveryAddress where to
 */
public record NewOrder(String userId, List<OrderItem> items, Address deliveryAddress) {}
