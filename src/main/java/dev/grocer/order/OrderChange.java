package dev.grocer.order;

/** What an {@link OrderEvent} reports. */
public enum OrderChange {
    CURRENT_STATE,
    ADDRESS_UPDATED,
    STATUS_CHANGED,
    CANCELLED
}
