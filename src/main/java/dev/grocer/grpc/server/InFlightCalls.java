package dev.grocer.grpc.server;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;

import dev.grocer.grpc.GrpcErrors;
import dev.grocer.common.DomainException;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthGrpc;
import net.devh.boot.grpc.server.config.GrpcServerProperties;
import net.devh.boot.grpc.server.event.GrpcServerShutdownEvent;
import net.devh.boot.grpc.server.interceptor.GrpcGlobalServerInterceptor;

/**
 * The calls in flight, so that shutdown ends each one with a status rather than a reset. When the
 * server begins to shut down it refuses new calls and lets the ones in flight go on; then
 * <ul>
 * <li>health watches end at once: they have told their clients NOT_SERVING and would never end;</li>
 * <li>every other call has the grace period ({@code grpc.server.shutdown-grace-period}) to finish;</li>
 * <li>a call still open shortly before the grace period ends (one second before, or half-way through
 *     periods of two seconds or less) is closed with UNAVAILABLE, reason {@code SERVER_SHUTTING_DOWN},
 *     which tells the client to retry elsewhere. Without this the server would cut it off when the grace
 *     period ends, and the client would see the connection reset.</li>
 * </ul>
 * Chat and order-watch streams already end at the start of shutdown (their services see to it).
 */
@GrpcGlobalServerInterceptor
@Order(GrpcInterceptorOrder.IN_FLIGHT)
class InFlightCalls implements ServerInterceptor, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(InFlightCalls.class);
    private static final Duration MAX_MARGIN = Duration.ofSeconds(1);
    private static final String HEALTH_WATCH = HealthGrpc.getWatchMethod().getFullMethodName();

    private final Set<DrainableCall<?, ?>> calls = ConcurrentHashMap.newKeySet();
    private final Duration gracePeriod;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "grpc-shutdown-drain");
        thread.setDaemon(true);
        return thread;
    });

    InFlightCalls(GrpcServerProperties properties) {
        this.gracePeriod = properties.getShutdownGracePeriod();
    }

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
            ServerCallHandler<ReqT, RespT> next) {
        DrainableCall<ReqT, RespT> tracked = new DrainableCall<>(call);
        calls.add(tracked);
        ServerCall.Listener<ReqT> listener;
        try {
            listener = next.startCall(tracked, headers);
        } catch (RuntimeException | Error e) {
            calls.remove(tracked);
            throw e;
        }
        return new SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onComplete() {
                try {
                    super.onComplete();
                } finally {
                    calls.remove(tracked);
                }
            }

            @Override
            public void onCancel() {
                try {
                    super.onCancel();
                } finally {
                    calls.remove(tracked);
                }
            }
        };
    }

    /** How many calls are in flight. */
    int size() {
        return calls.size();
    }

    @EventListener(GrpcServerShutdownEvent.class)
    void onServerShutdown() {
        closeAll(call -> HEALTH_WATCH.equals(call.getMethodDescriptor().getFullMethodName()));
        if (gracePeriod.isNegative()) {
            return; // the server waits for every call, however long it takes
        }
        Duration margin = gracePeriod.dividedBy(2).compareTo(MAX_MARGIN) < 0 ? gracePeriod.dividedBy(2) : MAX_MARGIN;
        long delay = gracePeriod.minus(margin).toNanos();
        if (delay <= 0) {
            closeAll(call -> true);
        } else {
            timer.schedule(() -> closeAll(call -> true), delay, TimeUnit.NANOSECONDS);
        }
    }

    private void closeAll(Predicate<DrainableCall<?, ?>> which) {
        int closed = 0;
        for (DrainableCall<?, ?> call : calls) {
            if (which.test(call) && call.closeForShutdown()) {
                closed++;
            }
        }
        if (closed > 0) {
            log.info("Shutdown: ended {} call(s) still open with UNAVAILABLE", closed);
        }
    }

    @Override
    public void destroy() {
        timer.shutdownNow();
    }

    /**
     * A call that shutdown can close from its own thread. A ServerCall must not be used by two threads at
     * once, so every send and close goes through one lock; once shutdown has closed the call, whatever the
     * service still sends is dropped (its client has already been told).
     */
    private static final class DrainableCall<ReqT, RespT> extends SimpleForwardingServerCall<ReqT, RespT> {

        private boolean closed;

        DrainableCall(ServerCall<ReqT, RespT> delegate) {
            super(delegate);
        }

        @Override
        public synchronized void sendHeaders(Metadata headers) {
            if (!closed) {
                super.sendHeaders(headers);
            }
        }

        @Override
        public synchronized void sendMessage(RespT message) {
            if (!closed) {
                super.sendMessage(message);
            }
        }

        @Override
        public synchronized void close(Status status, Metadata trailers) {
            if (!closed) {
                closed = true;
                super.close(status, trailers);
            }
        }

        @Override
        public synchronized boolean isReady() {
            return !closed && super.isReady();
        }

        /** Closes the call with UNAVAILABLE unless it is closed already; tells whether it did. */
        synchronized boolean closeForShutdown() {
            if (closed) {
                return false;
            }
            StatusRuntimeException shuttingDown = GrpcErrors.toStatusRuntimeException(DomainException.unavailable(
                    "SERVER_SHUTTING_DOWN", "the server is shutting down; call again to reach another instance"));
            try {
                close(shuttingDown.getStatus(), shuttingDown.getTrailers());
                return true;
            } catch (RuntimeException e) {
                // The transport had already ended the call (e.g. the client cancelled at this moment).
                return false;
            }
        }
    }
}
