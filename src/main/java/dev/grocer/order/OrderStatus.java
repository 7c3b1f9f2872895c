package dev.grocer.order;

/** Where an order is in its life: the simulator walks it forward; only a cancel leaves the path. */
public enum OrderStatus {
    PLACED,
    PREPARING,
    OUT_FOR_DELIVERY,
    DELIVERED,
    CANCELLED;

    /** Whether nothing can change the order any more. */
    public boolean isFinal() {
        return this == DELIVERED || this == CANCELLED;
    }

    /** The status fulfilment moves to from this one. */
    OrderStatus next() {
        return switch (this) {
            case PLACED -> PREPARING;
            case PREPARING -> OUT_FOR_DELIVERY;
            case OUT_FOR_DELIVERY -> DELIVERED;
            case DELIVERED, CANCELLED -> throw new IllegalStateException(this + " is final");
        };
    }
}
