package dev.grocer.order;

/**
 * One thing that happened to an order, with the order as it is after it.
 *
 * @param change what happened
 * @param order the order after the change
 */
public record OrderEvent(OrderChange change, Order order) {}
