package dev.grocer.http;

import java.util.Base64;
import java.util.Enumeration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.http.HttpServletRequest;

import dev.grocer.grpc.server.GrpcTransport;
import io.grpc.CallOptions;
import io.grpc.Metadata;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;

/**
 * What an HTTP request hands on to its call: headers become metadata, {@code grpc-timeout} the deadline, and the
 * trace the HTTP request is part of, when it is sampled, is carried on, so the call's server span is a child of the
 * HTTP request's. (An HTTP request the sampler leaves out leaves the call to the sampler's own decision.)
 *
 * <p>From HTTP/JSON only {@code authorization} goes on (the token check is the gRPC side's); from gRPC-Web, whose
 * clients send their call metadata as headers, every header but those of HTTP itself, the browser's and
 * cookies. Neither may set {@link GrpcTransport#HEADER} or {@link GrpcTransport#PEER_HEADER}: this class sets them.
 */
final class CallHeaders {

    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final Set<String> NOT_METADATA = Set.of("host", "connection", "keep-alive", "upgrade", "te",
            "trailer", "transfer-encoding", "content-length", "content-type", "accept", "accept-encoding",
            "accept-language", "user-agent", "origin", "referer", "cookie", "authority", "x-grpc-web",
            "x-user-agent", "grpc-timeout", "grpc-encoding", "grpc-accept-encoding", "pragma", "cache-control",
            "priority", "dnt", "expect", "proxy-authorization", "forwarded", "via",
            GrpcTransport.HEADER.name(), GrpcTransport.PEER_HEADER.name());
    private static final TextMapSetter<Metadata> METADATA = (metadata, key, value) ->
            metadata.put(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER), value);

    private final TextMapPropagator propagator;

    /** @param openTelemetry the tracing Spring Boot configured, or {@code null} when tracing is off */
    CallHeaders(OpenTelemetry openTelemetry) {
        this.propagator = openTelemetry == null ? TextMapPropagator.noop()
                : openTelemetry.getPropagators().getTextMapPropagator();
    }

    /** The metadata of a call made for an HTTP/JSON request. */
    Metadata json(HttpServletRequest request) {
        Metadata metadata = new Metadata();
        String authorization = request.getHeader("authorization");
        if (authorization != null) {
            metadata.put(AUTHORIZATION, authorization);
        }
        return finish(metadata, request, GrpcTransport.HTTP_JSON);
    }

    /** The metadata of a call made for a gRPC-Web request: its headers. */
    Metadata grpcWeb(HttpServletRequest request) throws BadHttpRequest {
        Metadata metadata = new Metadata();
        for (Enumeration<String> names = request.getHeaderNames(); names.hasMoreElements();) {
            String name = names.nextElement().toLowerCase(Locale.ROOT);
            if (NOT_METADATA.contains(name) || name.startsWith("sec-") || name.startsWith("access-control-")
                    || name.startsWith(":")) {
                continue;
            }
            for (Enumeration<String> values = request.getHeaders(name); values.hasMoreElements();) {
                String value = values.nextElement();
                try {
                    if (name.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
                        metadata.put(Metadata.Key.of(name, Metadata.BINARY_BYTE_MARSHALLER),
                                Base64.getDecoder().decode(value.trim()));
                    } else {
                        metadata.put(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER), value);
                    }
                } catch (IllegalArgumentException e) {
                    throw BadHttpRequest.header(name, "not a valid metadata entry (" + e.getMessage() + ")");
                }
            }
        }
        return finish(metadata, request, GrpcTransport.GRPC_WEB);
    }

    private Metadata finish(Metadata metadata, HttpServletRequest request, GrpcTransport transport) {
        for (String field : propagator.fields()) { // the HTTP request's own trace headers: its span comes instead
            metadata.removeAll(Metadata.Key.of(field, Metadata.ASCII_STRING_MARSHALLER));
        }
        // Only a sampled trace goes on: an unsampled parent would make the call build a span that records nothing,
        // where without one it costs nothing at probability 0 (grpc/server/GrpcServerTracing).
        Context current = Context.current();
        if (Span.fromContext(current).getSpanContext().isSampled()) {
            propagator.inject(current, metadata, METADATA);
        }
        metadata.put(GrpcTransport.HEADER, transport.tag());
        String address = request.getRemoteAddr();
        metadata.put(GrpcTransport.PEER_HEADER, address.indexOf(':') >= 0 ? "[" + address + "]:" + request.getRemotePort()
                : address + ":" + request.getRemotePort());
        return metadata;
    }

    /**
     * The call's options: its deadline from {@code grpc-timeout} (gRPC's format: up to 8 digits and a unit, H M S m
     * u n, e.g. {@code 5S}, {@code 250m}), or none, as for a gRPC client that sets none.
     */
    static CallOptions options(HttpServletRequest request) throws BadHttpRequest {
        String timeout = request.getHeader("grpc-timeout");
        if (timeout == null) {
            return CallOptions.DEFAULT;
        }
        if (!timeout.matches("[0-9]{1,8}[HMSmun]")) {
            throw BadHttpRequest.header("grpc-timeout", "'" + timeout
                    + "' is not 1 to 8 digits and a unit (H, M, S, m, u or n), e.g. 5S");
        }
        long amount = Long.parseLong(timeout.substring(0, timeout.length() - 1));
        TimeUnit unit = switch (timeout.charAt(timeout.length() - 1)) {
            case 'H' -> TimeUnit.HOURS;
            case 'M' -> TimeUnit.MINUTES;
            case 'S' -> TimeUnit.SECONDS;
            case 'm' -> TimeUnit.MILLISECONDS;
            case 'u' -> TimeUnit.MICROSECONDS;
            default -> TimeUnit.NANOSECONDS;
        };
        return CallOptions.DEFAULT.withDeadlineAfter(amount, unit);
    }
}
