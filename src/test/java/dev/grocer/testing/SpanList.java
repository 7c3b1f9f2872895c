package dev.grocer.testing;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/**
 * An OpenTelemetry SDK exporter that keeps what it is given, for tests that drive the SDK directly (with a
 * {@code SimpleSpanProcessor}, so a span is here once it has ended). Over the wire: {@link OtlpReceiver}.
 */
public final class SpanList implements SpanExporter {

    private final List<SpanData> spans = new CopyOnWriteArrayList<>();

    /** Every span exported so far. */
    public List<SpanData> spans() {
        return spans;
    }

    public void clear() {
        spans.clear();
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> exported) {
        spans.addAll(exported);
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
    }
}
