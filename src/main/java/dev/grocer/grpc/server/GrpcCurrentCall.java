package dev.grocer.grpc.server;

import java.util.concurrent.TimeUnit;

import org.springframework.stereotype.Component;

import dev.grocer.store.CurrentCall;
import io.grpc.Context;
import io.grpc.Deadline;

/**
 * The store's view of the gRPC call it works for, read from grpc-java's {@link Context}, which the server attaches
 * to the thread running each call's service code: the client's deadline, and the cancellation grpc-java signals when
 * the client cancels, the deadline passes or the connection goes. Off a call the context is the root one: no
 * deadline, never cancelled.
 */
@Component
class GrpcCurrentCall implements CurrentCall {

    @Override
    public boolean active() {
        return Context.current() != Context.ROOT;
    }

    @Override
    public long nanosLeft() {
        Deadline deadline = Context.current().getDeadline();
        return deadline == null ? NO_DEADLINE : deadline.timeRemaining(TimeUnit.NANOSECONDS);
    }

    @Override
    public boolean isCancelled() {
        return Context.current().isCancelled();
    }

    @Override
    public Runnable onCancel(Runnable action) {
        Context context = Context.current();
        Context.CancellationListener listener = cancelled -> action.run();
        context.addListener(listener, Runnable::run);
        return () -> context.removeListener(listener);
    }
}
