package dev.grocer.common;

/**
 * Receives values that other threads push (chat messages, order events) without ever blocking them;
 * implemented by the transport, which knows how fast its client reads.
 */
public interface Subscriber<T> {

    /** Queues a value without blocking; {@code false} when the subscriber's outbox is full or closed. */
    boolean offer(T value);

    /** Sends what was queued, as far as the subscriber's connection takes it now. */
    void flush();

    /** Ends the subscription: normally (after what is queued) if {@code reason} is null, else with that error. */
    void close(DomainException reason);
}
