package dev.grocer.greeter;

/**
 * The caller's part of an item to add; the server adds id, timestamps and etag.
 *
 * @param name what the item is
 * @param quantity how many of it
 */
record NewItem(String name, int quantity) {}
