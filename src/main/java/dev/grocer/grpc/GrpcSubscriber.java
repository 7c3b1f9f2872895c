package dev.grocer.grpc;

import java.util.function.Function;

import dev.grocer.common.DomainException;
import dev.grocer.common.Subscriber;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/**
 * A {@link Subscriber} that is one server-streaming call: domain values are mapped to messages and
 * queued in a bounded {@link OutboundQueue}, so they leave only as fast as the client reads.
 *
 * @param <D> the domain values pushed in
 * @param <M> the messages sent
 */
public final class GrpcSubscriber<D, M> implements Subscriber<D> {

    private final OutboundQueue<M> outbox;
    private final Function<? super D, ? extends M> toMessage;
    private volatile boolean closed;
    private volatile Runnable onCancel = () -> {};

    /** Call from the service method, before it returns, so the flow-control handlers are installed in time. */
    public GrpcSubscriber(StreamObserver<M> responseObserver, int capacity, Function<? super D, ? extends M> toMessage) {
        this.toMessage = toMessage;
        this.outbox = new OutboundQueue<>((ServerCallStreamObserver<M>) responseObserver, capacity, () -> {
            closed = true;
            onCancel.run();
        });
    }

    /** Runs {@code action} when the client cancels or goes away (at once if it already has). */
    public void onCancel(Runnable action) {
        onCancel = action;
        if (closed) {
            action.run();
        }
    }

    /** Whether the call has ended, by either side. */
    public boolean isClosed() {
        return closed;
    }

    @Override
    public boolean offer(D value) {
        return !closed && outbox.offer(toMessage.apply(value));
    }

    @Override
    public void flush() {
        outbox.drain();
    }

    @Override
    public void close(DomainException reason) {
        closed = true;
        if (reason == null) {
            outbox.complete();
        } else {
            outbox.fail(GrpcErrors.toStatusRuntimeException(reason));
        }
    }
}
