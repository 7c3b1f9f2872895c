package dev.grocer.tracing;

import java.util.HashMap;
import java.util.Map;

import dev.grocer.store.NotificationTracing;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;

/**
 * A notification between replicas carries the sampled trace of the write that sent it as a W3C
 * {@code traceparent}; each replica that receives it handles it in a {@code <channel> process} span (kind
 * CONSUMER) that is a child of that write's span. So the trace of an UpdateOrder, a fulfilment step or a chat
 * message shows where it was delivered: on every replica, to the watchers and chat rooms there, with the reads the
 * delivery needed as children. A notification of a write that was not sampled carries nothing and makes no span.
 */
final class OpenTelemetryNotificationTracing implements NotificationTracing {

    static final AttributeKey<String> MESSAGING_SYSTEM = AttributeKey.stringKey("messaging.system");
    static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("messaging.operation.type");

    private static final TextMapPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final TextMapGetter<String> TRACEPARENT = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String carrier) {
            return java.util.List.of("traceparent");
        }

        @Override
        public String get(String carrier, String key) {
            return "traceparent".equals(key) ? carrier : null;
        }
    };

    private final Tracer tracer;

    OpenTelemetryNotificationTracing(OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer("dev.grocer.store");
    }

    @Override
    public String capture() {
        SpanContext current = Span.current().getSpanContext();
        if (!current.isValid() || !current.isSampled()) {
            return null;
        }
        Map<String, String> carrier = new HashMap<>(2);
        W3C.inject(Context.current(), carrier, Map::put);
        return carrier.get("traceparent");
    }

    @Override
    public void deliver(String channel, String carried, Runnable delivery) {
        if (carried == null) {
            delivery.run();
            return;
        }
        Context parent = W3C.extract(Context.root(), carried, TRACEPARENT);
        if (!Span.fromContext(parent).getSpanContext().isValid()) {
            delivery.run();
            return;
        }
        Span span = tracer.spanBuilder(channel + " process").setParent(parent).setSpanKind(SpanKind.CONSUMER)
                .setAttribute(MESSAGING_SYSTEM, "postgresql").setAttribute(DESTINATION, channel)
                .setAttribute(OPERATION, "process").startSpan();
        try (Scope ignored = parent.with(span).makeCurrent()) {
            delivery.run();
        } catch (RuntimeException e) {
            span.setStatus(io.opentelemetry.api.trace.StatusCode.ERROR, e.getClass().getSimpleName());
            throw e;
        } finally {
            span.end();
        }
    }
}
