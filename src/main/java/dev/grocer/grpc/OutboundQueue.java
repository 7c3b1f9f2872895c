package dev.grocer.grpc;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.stub.ServerCallStreamObserver;

/**
 * A bounded, flow-controlled outbox for a server stream that other threads push into (a chat room, an
 * event feed). {@link #offer} never blocks: when the client reads too slowly and the outbox is full it
 * returns {@code false}, so one slow reader cannot stall the producers. Messages leave only while the
 * transport is ready; any thread may call any method, and the observer is only ever called by one
 * thread at a time.
 */
public final class OutboundQueue<T> {

    private final ServerCallStreamObserver<T> observer;
    private final int capacity;
    private final ConcurrentLinkedQueue<T> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicInteger wip = new AtomicInteger();
    private volatile boolean completing;
    private volatile Throwable failure;
    private volatile boolean closed;

    /**
     * Creates the outbox; call from the service method, before it returns, so the ready handler is
     * installed in time.
     *
     * @param onCancel run when the client cancels the call or goes away
     */
    public OutboundQueue(ServerCallStreamObserver<T> observer, int capacity, Runnable onCancel) {
        this.observer = observer;
        this.capacity = capacity;
        observer.setOnReadyHandler(this::drain);
        observer.setOnCancelHandler(() -> {
            closed = true;
            queue.clear();
            onCancel.run();
        });
    }

    /** Queues {@code item}; {@code false} if the outbox is full or closed. Call {@link #drain()} to send. */
    public boolean offer(T item) {
        if (closed || completing || failure != null) {
            return false;
        }
        if (size.incrementAndGet() > capacity) {
            size.decrementAndGet();
            return false;
        }
        queue.add(item);
        return true;
    }

    /** Completes the stream once everything queued has been sent. */
    public void complete() {
        completing = true;
        drain();
    }

    /** Ends the stream with {@code error} now, dropping what is still queued. */
    public void fail(Throwable error) {
        failure = error;
        drain();
    }

    /** Sends what the transport will take now; the rest goes on the next onReady. */
    public void drain() {
        if (wip.getAndIncrement() != 0) {
            return; // another thread is draining and will loop once more for us
        }
        do {
            if (closed) {
                continue;
            }
            Throwable error = failure;
            if (error != null) {
                closed = true;
                queue.clear();
                observer.onError(error);
                continue;
            }
            T item;
            while (observer.isReady() && (item = queue.poll()) != null) {
                size.decrementAndGet();
                observer.onNext(item);
            }
            if (completing && queue.isEmpty()) {
                closed = true;
                observer.onCompleted();
            }
        } while (wip.decrementAndGet() != 0);
    }
}
