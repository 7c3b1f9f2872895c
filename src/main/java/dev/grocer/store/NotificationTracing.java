package dev.grocer.store;

/**
 * How a notification between replicas carries the trace of the write that sent it, seen from the store, which
 * knows nothing of tracing: {@code dev.grocer.tracing} implements it with OpenTelemetry when tracing is on.
 */
public interface NotificationTracing {

    /** Tracing off: nothing is carried, deliveries run as they are. */
    NotificationTracing NONE = new NotificationTracing() {
        @Override
        public String capture() {
            return null;
        }

        @Override
        public void deliver(String channel, String carried, Runnable delivery) {
            delivery.run();
        }
    };

    /** The trace the current thread works in, as a W3C {@code traceparent}, or null when there is none to carry. */
    String capture();

    /**
     * Runs {@code delivery}, the handling of a notification received on {@code channel}, in a span of the trace
     * {@code carried} names (what {@link #capture} gave the sending replica, or null).
     */
    void deliver(String channel, String carried, Runnable delivery);
}
