package dev.grocer.order;

/**
 * One line of an order.
 *
 * @param product the product's name
 * @param quantity how many, at least 1
 * @param unitPrice the price of one
 */
public record OrderItem(String product, int quantity, Money unitPrice) {}
