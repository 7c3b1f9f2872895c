package dev.grocer.order;

/**
 * Published (as a Spring application event) when an order is registered, for the fulfilment simulator.
 *
 * @param orderId the new order's id
 */
record OrderRegistered(String orderId) {}
