package dev.grocer.grpc.server;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import net.devh.boot.grpc.server.interceptor.GrpcGlobalServerInterceptor;

/**
 * The access log: one DEBUG line per call when it ends, with the method, status, duration and peer,
 * e.g. {@code grpc.method=grocer.user.v1.UserService/GetUser grpc.status=NOT_FOUND duration_ms=1.83
 * peer=10.0.0.7:51234}; for a call over HTTP ({@code dev.grocer.http}) the peer is the HTTP client. The same values go out as key-value pairs, which structured (JSON) logs show
 * as fields. Switched on with {@code logging.level.dev.grocer.grpc.GrpcAccessLog=DEBUG}; when it is off,
 * a call costs one level check and is neither wrapped nor timed.
 */
@GrpcGlobalServerInterceptor
@Order(GrpcInterceptorOrder.ACCESS_LOG)
class GrpcAccessLog implements ServerInterceptor {

    /** The logger operators switch on; its name stayed when the class moved to {@code grpc.server}. */
    static final String LOGGER = "dev.grocer.grpc.GrpcAccessLog";
    private static final Logger log = LoggerFactory.getLogger(LOGGER);

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
            ServerCallHandler<ReqT, RespT> next) {
        if (!log.isDebugEnabled()) {
            return next.startCall(call, headers);
        }
        LoggedCall<ReqT, RespT> logged = new LoggedCall<>(call, System.nanoTime(),
                GrpcTransport.httpPeer(call, headers));
        return new SimpleForwardingServerCallListener<>(next.startCall(logged, headers)) {
            @Override
            public void onCancel() {
                // The client cancelled or the deadline passed: the server never closes this call.
                logged.log(Status.Code.CANCELLED);
                super.onCancel();
            }
        };
    }

    /** A call that writes its access-log line once, when it is closed or cancelled. */
    private static final class LoggedCall<ReqT, RespT> extends SimpleForwardingServerCall<ReqT, RespT> {

        private final long startNanos;
        private final String httpPeer;
        private final AtomicBoolean logged = new AtomicBoolean();

        /** @param httpPeer the HTTP client's address for a call that came over HTTP, else {@code null} */
        LoggedCall(ServerCall<ReqT, RespT> delegate, long startNanos, String httpPeer) {
            super(delegate);
            this.startNanos = startNanos;
            this.httpPeer = httpPeer;
        }

        @Override
        public void close(Status status, Metadata trailers) {
            log(status.getCode());
            super.close(status, trailers);
        }

        void log(Status.Code code) {
            if (!logged.compareAndSet(false, true)) {
                return;
            }
            String method = getMethodDescriptor().getFullMethodName();
            double millis = Math.round((System.nanoTime() - startNanos) / 10_000.0) / 100.0;
            String duration = String.format(Locale.ROOT, "%.2f", millis);
            String peer = httpPeer != null ? httpPeer : peer(getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
            log.atDebug()
                    .addKeyValue("grpc.method", method)
                    .addKeyValue("grpc.status", code.name())
                    .addKeyValue("duration_ms", millis)
                    .addKeyValue("peer", peer)
                    .log("grpc.method={} grpc.status={} duration_ms={} peer={}", method, code, duration, peer);
        }

        private static String peer(SocketAddress address) {
            if (address instanceof InetSocketAddress inet) {
                return inet.getAddress() == null ? inet.getHostString() + ":" + inet.getPort()
                        : inet.getAddress().getHostAddress() + ":" + inet.getPort();
            }
            return String.valueOf(address);
        }
    }
}
