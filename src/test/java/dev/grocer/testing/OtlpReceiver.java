package dev.grocer.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;

/**
 * A real OTLP/HTTP trace receiver on loopback, as a collector would be: it takes {@code POST /v1/traces} with an
 * {@code ExportTraceServiceRequest} in protobuf (gzip or not), decodes it with OpenTelemetry's published proto
 * classes and keeps every span with its resource's attributes. Point grocer at {@link #endpoint()} through
 * {@code management.opentelemetry.tracing.export.otlp.endpoint}.
 */
public final class OtlpReceiver implements AutoCloseable {

    /** A span as received, with the attributes of the resource (the process) that sent it. */
    public record Received(Span span, Map<String, String> resource) {

        public String traceId() {
            return HexFormat.of().formatHex(span.getTraceId().toByteArray());
        }

        public String spanId() {
            return HexFormat.of().formatHex(span.getSpanId().toByteArray());
        }

        /** The parent's span id in hex, "" for a root span. */
        public String parentSpanId() {
            return HexFormat.of().formatHex(span.getParentSpanId().toByteArray());
        }

        public String name() {
            return span.getName();
        }

        /** An attribute of the span as text (numbers and booleans too), or null if it has none of that key. */
        public String attribute(String key) {
            return text(span.getAttributesList(), key);
        }

        /** Every attribute of the span, as text. */
        public Map<String, String> attributes() {
            return texts(span.getAttributesList());
        }

        public List<String> linkedSpanIds() {
            return span.getLinksList().stream().map(l -> HexFormat.of().formatHex(l.getSpanId().toByteArray()))
                    .toList();
        }

        @Override
        public String toString() {
            return name() + " [" + span.getKind() + " trace=" + traceId() + " span=" + spanId() + " parent="
                    + parentSpanId() + " " + attributes() + " status=" + span.getStatus().getCode() + " "
                    + span.getStatus().getMessage() + " instance=" + resource.get("service.instance.id") + "]";
        }
    }

    private final HttpServer server;
    private final boolean keep;
    private final List<Received> spans = new ArrayList<>();
    private int count;
    private long requests;

    private OtlpReceiver(HttpServer server, boolean keep) {
        this.server = server;
        this.keep = keep;
    }

    /** Starts a receiver on a free loopback port that keeps every span. */
    public static OtlpReceiver start() {
        return start(true);
    }

    /**
     * Starts a receiver that only counts the spans it decodes ({@link #count()}, {@link #requests()}), for load that
     * would fill the heap with kept spans; {@link #spans()} stays empty.
     */
    public static OtlpReceiver counting() {
        return start(false);
    }

    private static OtlpReceiver start(boolean keep) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            OtlpReceiver receiver = new OtlpReceiver(server, keep);
            server.createContext("/v1/traces", receiver::handle);
            server.setExecutor(Executors.newSingleThreadExecutor(task -> {
                Thread thread = new Thread(task, "otlp-receiver");
                thread.setDaemon(true);
                return thread;
            }));
            server.start();
            return receiver;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The URL to export traces to. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/traces";
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            InputStream body = exchange.getRequestBody();
            if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                body = new GZIPInputStream(body);
            }
            ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body);
            List<Received> received = new ArrayList<>();
            int decoded = 0;
            for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
                Map<String, String> resource = keep ? resource(resourceSpans.getResource()) : Map.of();
                for (ScopeSpans scope : resourceSpans.getScopeSpansList()) {
                    decoded += scope.getSpansCount();
                    if (keep) {
                        for (Span span : scope.getSpansList()) {
                            received.add(new Received(span, resource));
                        }
                    }
                }
            }
            synchronized (this) {
                spans.addAll(received);
                count += decoded;
                requests++;
                notifyAll();
            }
            byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, answer.length == 0 ? -1 : answer.length);
            if (answer.length > 0) {
                exchange.getResponseBody().write(answer);
            }
        }
    }

    /** Every span received so far. */
    public synchronized List<Received> spans() {
        return List.copyOf(spans);
    }

    /** How many spans have been received (since the last {@link #clear()}). */
    public synchronized int count() {
        return count;
    }

    /** How many export requests have been received. */
    public synchronized long requests() {
        return requests;
    }

    /** Forgets every span received so far. */
    public synchronized void clear() {
        spans.clear();
        count = 0;
    }

    /**
     * Waits until {@code count} spans matching {@code which} have arrived and returns them (in arrival order).
     *
     * @throws AssertionError if they have not arrived within {@code timeout}, listing what did
     */
    public List<Received> await(Predicate<Received> which, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (true) {
                List<Received> matching = spans.stream().filter(which).toList();
                if (matching.size() >= count) {
                    return matching;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("expected " + count + " matching spans within " + timeout + ", got "
                            + matching.size() + "; all received:\n  " + String.join("\n  ",
                                    spans.stream().map(Received::toString).toList()));
                }
                wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    /** Waits for one span matching {@code which}. */
    public Received awaitOne(Predicate<Received> which, Duration timeout) throws InterruptedException {
        return await(which, 1, timeout).get(0);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private static Map<String, String> resource(Resource resource) {
        return texts(resource.getAttributesList());
    }

    private static Map<String, String> texts(List<KeyValue> attributes) {
        Map<String, String> texts = new HashMap<>();
        for (KeyValue kv : attributes) {
            texts.put(kv.getKey(), text(kv.getValue()));
        }
        return texts;
    }

    private static String text(List<KeyValue> attributes, String key) {
        for (KeyValue kv : attributes) {
            if (kv.getKey().equals(key)) {
                return text(kv.getValue());
            }
        }
        return null;
    }

    private static String text(AnyValue value) {
        return switch (value.getValueCase()) {
            case STRING_VALUE -> value.getStringValue();
            case INT_VALUE -> Long.toString(value.getIntValue());
            case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
            case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
            default -> value.toString();
        };
    }
}
