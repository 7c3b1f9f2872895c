package dev.grocer.grpc.server;

import net.devh.boot.grpc.common.util.InterceptorOrder;

/**
 * Where grocer's server interceptors sit, outermost first. All four wrap the starter's exception
 * handling ({@code @GrpcAdvice}, order {@value InterceptorOrder#ORDER_GLOBAL_EXCEPTION_HANDLING}), so they
 * see the status it closes a failed call with; interceptors inside it would only see calls that succeed.
 */
public final class GrpcInterceptorOrder {

    /**
     * Tracing (with {@code dev.grocer.tracing}): outermost, so that the metrics' exemplars, the access-log line and
     * everything inside run with the call's span current.
     */
    public static final int TRACING = InterceptorOrder.ORDER_GLOBAL_EXCEPTION_HANDLING - 40;
    /** Metrics: the whole call, every status. */
    static final int METRICS = InterceptorOrder.ORDER_GLOBAL_EXCEPTION_HANDLING - 30;
    /** The access log. */
    static final int ACCESS_LOG = InterceptorOrder.ORDER_GLOBAL_EXCEPTION_HANDLING - 20;
    /** The calls in flight, so that closing one at shutdown passes through the log and the metrics. */
    static final int IN_FLIGHT = InterceptorOrder.ORDER_GLOBAL_EXCEPTION_HANDLING - 10;

    private GrpcInterceptorOrder() {}
}
