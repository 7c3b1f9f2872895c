package dev.grocer.tracing;

import java.util.List;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;

/**
 * Spring Boot's sampler, except that a database statement is traced only inside something traced: a statement span
 * without a parent (the fulfilment poll's search for due orders, the pool's and health check's queries) is dropped
 * instead of starting a trace of its own, which at sampling probability 1.0 would be a trace of one span every poll.
 */
final class StatementSampler implements Sampler {

    private static final List<AttributeKey<String>> DB_SYSTEM = List.of(AttributeKey.stringKey("db.system.name"),
            AttributeKey.stringKey("db.system"));

    private final Sampler delegate;

    StatementSampler(Sampler delegate) {
        this.delegate = delegate;
    }

    @Override
    public SamplingResult shouldSample(Context parentContext, String traceId, String name, SpanKind spanKind,
            Attributes attributes, List<LinkData> parentLinks) {
        if (spanKind == SpanKind.CLIENT && !Span.fromContext(parentContext).getSpanContext().isValid()
                && isStatement(attributes)) {
            return SamplingResult.drop();
        }
        return delegate.shouldSample(parentContext, traceId, name, spanKind, attributes, parentLinks);
    }

    private static boolean isStatement(Attributes attributes) {
        for (AttributeKey<String> key : DB_SYSTEM) {
            if (attributes.get(key) != null) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether this sampler drops every span that starts a trace: Spring Boot's parent-based sampler at probability 0
     * (what grocer defaults to without an endpoint). Then a call without a caller's trace needs no span at all.
     */
    boolean dropsEveryRoot() {
        String description = delegate.getDescription();
        return description.equals(Sampler.parentBased(Sampler.traceIdRatioBased(0.0)).getDescription())
                || description.equals(Sampler.parentBased(Sampler.alwaysOff()).getDescription())
                || description.equals(Sampler.alwaysOff().getDescription());
    }

    @Override
    public String getDescription() {
        return "StatementSampler{" + delegate.getDescription() + "}";
    }
}
