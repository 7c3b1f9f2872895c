package dev.grocer.grpc;

import java.util.Iterator;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/**
 * Sends a server stream from an iterator only as fast as the client reads it: it writes while the
 * transport {@linkplain ServerCallStreamObserver#isReady() is ready} and resumes on the next onReady,
 * so a slow reader never makes the server buffer the whole source. A cancelled call stops the pump.
 */
public final class StreamPump<T> {

    private final ServerCallStreamObserver<T> observer;
    private final Iterator<? extends T> source;
    private boolean done;

    private StreamPump(ServerCallStreamObserver<T> observer, Iterator<? extends T> source) {
        this.observer = observer;
        this.source = source;
    }

    /**
     * Streams {@code source} to {@code responseObserver} and completes it. Call from the service method,
     * before it returns.
     */
    public static <T> void start(StreamObserver<T> responseObserver, Iterator<? extends T> source) {
        ServerCallStreamObserver<T> observer = (ServerCallStreamObserver<T>) responseObserver;
        StreamPump<T> pump = new StreamPump<>(observer, source);
        observer.setOnCancelHandler(() -> pump.done = true);
        // onReady and the service method run on the call's serializing executor: pump() never races itself.
        observer.setOnReadyHandler(pump::pump);
        pump.pump();
    }

    private void pump() {
        if (done) {
            return;
        }
        try {
            while (observer.isReady() && !observer.isCancelled()) {
                if (!source.hasNext()) {
                    done = true;
                    observer.onCompleted();
                    return;
                }
                observer.onNext(source.next());
            }
        } catch (RuntimeException e) {
            done = true;
            observer.onError(GrpcErrors.toStatusRuntimeException(e));
        }
    }
}
