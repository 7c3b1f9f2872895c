package dev.grocer.store;

/**
 * The call the store is working for, as far as the store needs to know it: how long the caller will still wait,
 * and whether it has stopped waiting. The transport provides it (for gRPC, from the call's {@code Context}:
 * {@code dev.grocer.grpc.server.GrpcCurrentCall}), so that the store bounds its waits and cancels its statements
 * without knowing about gRPC. Outside a call (start-up, health checks, the fulfilment poller) there is no
 * deadline and nothing cancels.
 */
public interface CurrentCall {

    /** What {@link #nanosLeft()} answers when the caller set no deadline, or there is no call. */
    long NO_DEADLINE = Long.MAX_VALUE;

    /** No call: no deadline, never cancelled. */
    CurrentCall NONE = new CurrentCall() {
        @Override
        public boolean active() {
            return false;
        }

        @Override
        public long nanosLeft() {
            return NO_DEADLINE;
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public Runnable onCancel(Runnable action) {
            return () -> {};
        }
    };

    /** Whether the store is working for a call now (else for the server itself: start-up, health, the poller). */
    boolean active();

    /** Nanoseconds until the current call's deadline (negative once passed), or {@link #NO_DEADLINE}. */
    long nanosLeft();

    /** Whether the current call has ended early: the client cancelled, or its deadline passed. */
    boolean isCancelled();

    /**
     * Runs {@code action} once if the current call ends early (cancelled, or its deadline passes), on whatever
     * thread notices it, which may be a transport thread: the action must not block. Returns what removes it.
     */
    Runnable onCancel(Runnable action);
}
