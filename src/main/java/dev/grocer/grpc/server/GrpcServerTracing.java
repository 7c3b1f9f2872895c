package dev.grocer.grpc.server;

import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;

/**
 * A server span per gRPC call, on the OpenTelemetry SDK that Spring Boot configures ({@code management.tracing.*},
 * {@code management.opentelemetry.*}): named {@code <service>/<method>} (e.g.
 * {@code grocer.user.v1.UserService/GetUser}), a child of the caller's span when the call carries a W3C
 * {@code traceparent} (or B3, what Boot's propagation consumes), with the attributes of OpenTelemetry's RPC
 * conventions: {@code rpc.system}, {@code rpc.service}, {@code rpc.method} and {@code rpc.grpc.status_code}. A call
 * that fails also gets {@code error.type} (the status code's name) and {@code grocer.error.reason} (the
 * {@code ErrorInfo} reason, e.g. {@code USER_NOT_FOUND}); the span's status is ERROR only for the codes that mean
 * the server failed (UNKNOWN, DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS). Neither the
 * status message nor any request field is recorded: they may hold what users sent.
 *
 * <p>The callbacks of the call run with the span current, so log lines written during it carry its trace and span
 * ids, statements on the PostgreSQL store become its children, and a notification sent to the other replicas
 * carries it. A call that is not sampled and carries no caller's trace gets no span at all (the sampler's decision
 * is all it costs), and so its log lines have no trace ids; a caller's trace, sampled or not, is always joined.
 *
 * <p>Written here rather than taken from Micrometer's observation interceptor or OpenTelemetry's gRPC
 * instrumentation for cost (docs/performance.md, "Tracing"): a call that is not traced looks for the three headers
 * that carry a trace, asks the sampler (not even that at probability 0) and is not wrapped.
 */
public final class GrpcServerTracing implements ServerInterceptor {

    static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
    static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");
    static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
    static final AttributeKey<Long> RPC_STATUS = AttributeKey.longKey("rpc.grpc.status_code");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<String> ERROR_REASON = AttributeKey.stringKey("grocer.error.reason");

    /** The headers whose presence means the caller sent a trace: without any of them there is nothing to read. */
    private static final List<Metadata.Key<String>> TRACE_HEADERS = List.of("traceparent", "b3", "x-b3-traceid")
            .stream().map(name -> Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER)).toList();

    private static final TextMapGetter<Metadata> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Metadata carrier) {
            return carrier.keys();
        }

        @Override
        public String get(Metadata carrier, String key) {
            return carrier == null || key.endsWith(Metadata.BINARY_HEADER_SUFFIX) ? null
                    : carrier.get(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
        }
    };

    private final Tracer tracer;
    private final TextMapPropagator propagator;
    private final boolean rootsNeverSampled;

    /**
     * @param rootsNeverSampled whether the sampler drops every span that would start a trace (probability 0): a
     *        call without a caller's trace then skips even the sampler's decision
     */
    public GrpcServerTracing(OpenTelemetry openTelemetry, boolean rootsNeverSampled) {
        this.tracer = openTelemetry.getTracer("dev.grocer.grpc");
        this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
        this.rootsNeverSampled = rootsNeverSampled;
    }

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
            ServerCallHandler<ReqT, RespT> next) {
        boolean carried = carriesTrace(headers);
        if (!carried && rootsNeverSampled) {
            return next.startCall(call, headers);
        }
        Context parent = carried ? propagator.extract(Context.root(), headers, HEADERS) : Context.root();
        MethodDescriptor<ReqT, RespT> method = call.getMethodDescriptor();
        Span span = tracer.spanBuilder(method.getFullMethodName()).setParent(parent).setSpanKind(SpanKind.SERVER)
                .startSpan();
        if (!carried && !span.getSpanContext().isSampled()) {
            // Not sampled, and no caller's trace to join: nothing would ever see this span, so the call runs
            // without one (and its log lines without trace ids). This is what tracing costs a call it does not trace.
            return next.startCall(call, headers);
        }
        if (span.isRecording()) {
            span.setAttribute(RPC_SYSTEM, "grpc");
            span.setAttribute(RPC_SERVICE, method.getServiceName());
            span.setAttribute(RPC_METHOD, method.getBareMethodName());
        }
        Context context = parent.with(span);
        TracedCall<ReqT, RespT> traced = new TracedCall<>(call, span);
        ServerCall.Listener<ReqT> listener;
        try (Scope ignored = context.makeCurrent()) {
            listener = next.startCall(traced, headers);
        } catch (RuntimeException e) {
            traced.end(Status.Code.UNKNOWN, null);
            throw e;
        }
        return method.getType() == MethodDescriptor.MethodType.UNARY ? new TracedListener<>(listener, context, traced)
                : new TracedStreamListener<>(listener, context, traced);
    }

    private static boolean carriesTrace(Metadata headers) {
        for (Metadata.Key<String> key : TRACE_HEADERS) {
            if (headers.containsKey(key)) {
                return true;
            }
        }
        return false;
    }

    /** The call, which ends its span when it is closed with the status the client gets. */
    private static final class TracedCall<ReqT, RespT> extends SimpleForwardingServerCall<ReqT, RespT> {

        private static final AtomicIntegerFieldUpdater<TracedCall> ENDED =
                AtomicIntegerFieldUpdater.newUpdater(TracedCall.class, "ended");

        private final Span span;
        private volatile int ended;

        TracedCall(ServerCall<ReqT, RespT> delegate, Span span) {
            super(delegate);
            this.span = span;
        }

        @Override
        public void close(Status status, Metadata trailers) {
            try {
                super.close(status, trailers);
            } finally {
                end(status.getCode(), status.isOk() ? null : reason(status, trailers));
            }
        }

        void end(Status.Code code, String reason) {
            if (!ENDED.compareAndSet(this, 0, 1)) {
                return;
            }
            if (span.isRecording()) {
                span.setAttribute(RPC_STATUS, code.value());
                if (code != Status.Code.OK) {
                    span.setAttribute(ERROR_TYPE, code.name());
                    if (reason != null) {
                        span.setAttribute(ERROR_REASON, reason);
                    }
                    if (serverFault(code)) {
                        span.setStatus(StatusCode.ERROR, reason != null ? reason : code.name());
                    }
                }
            }
            span.end();
        }

        private String reason(Status status, Metadata trailers) {
            if (!span.isRecording() || trailers == null) {
                return null;
            }
            com.google.rpc.Status details = StatusProto.fromStatusAndTrailers(status, trailers);
            for (Any detail : details.getDetailsList()) {
                if (detail.is(ErrorInfo.class)) {
                    try {
                        return detail.unpack(ErrorInfo.class).getReason();
                    } catch (InvalidProtocolBufferException e) {
                        return null;
                    }
                }
            }
            return null;
        }

        private static boolean serverFault(Status.Code code) {
            return switch (code) {
                case UNKNOWN, DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS -> true;
                default -> false;
            };
        }
    }

    /**
     * Runs the callbacks of a unary call with its span current: those where grocer's code runs (the request parsed,
     * the method called). A unary method does nothing on ready or on complete, so those pass straight through.
     */
    private static class TracedListener<ReqT> extends SimpleForwardingServerCallListener<ReqT> {

        final Context context;
        private final TracedCall<ReqT, ?> call;

        TracedListener(ServerCall.Listener<ReqT> delegate, Context context, TracedCall<ReqT, ?> call) {
            super(delegate);
            this.context = context;
            this.call = call;
        }

        @Override
        public void onMessage(ReqT message) {
            try (Scope ignored = context.makeCurrent()) {
                super.onMessage(message);
            }
        }

        @Override
        public void onHalfClose() {
            try (Scope ignored = context.makeCurrent()) {
                super.onHalfClose();
            }
        }

        @Override
        public void onCancel() {
            try (Scope ignored = context.makeCurrent()) {
                super.onCancel();
            } finally {
                // The client cancelled or the deadline passed: the server never closes this call.
                call.end(Status.Code.CANCELLED, null);
            }
        }
    }

    /** A streaming call's listener: its methods also work on ready (sending what waits) and on complete. */
    private static final class TracedStreamListener<ReqT> extends TracedListener<ReqT> {

        TracedStreamListener(ServerCall.Listener<ReqT> delegate, Context context, TracedCall<ReqT, ?> call) {
            super(delegate, context, call);
        }

        @Override
        public void onReady() {
            try (Scope ignored = context.makeCurrent()) {
                super.onReady();
            }
        }

        @Override
        public void onComplete() {
            try (Scope ignored = context.makeCurrent()) {
                super.onComplete();
            }
        }
    }
}
