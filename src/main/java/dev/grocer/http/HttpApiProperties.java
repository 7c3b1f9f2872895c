package dev.grocer.http;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The HTTP API ({@code grocer.http.*}).
 *
 * @param enabled whether the HTTP port serves the API (HTTP/JSON and gRPC-Web) beside actuator and the page
 * @param maxRequestSize the largest request body taken; larger ones are refused (413) unread. The default is
 *        gRPC's own default largest message, 4 MiB.
 * @param cors which other origins' pages may call the API from a browser
 * @param streamHeartbeat how often a Server-Sent Events stream with nothing to send sends a comment line: it keeps
 *        proxies from closing a quiet connection, and a client that has gone is noticed (its call cancelled) then
 */
@ConfigurationProperties("grocer.http")
record HttpApiProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("4MB") DataSize maxRequestSize,
        @DefaultValue Cors cors,
        @DefaultValue("15s") Duration streamHeartbeat) {

    HttpApiProperties {
        if (maxRequestSize.toBytes() < 1) {
            throw new IllegalArgumentException("grocer.http.max-request-size must be at least 1B, was " + maxRequestSize);
        }
        if (streamHeartbeat.toMillis() < 1) {
            throw new IllegalArgumentException("grocer.http.stream-heartbeat must be at least 1ms, was " + streamHeartbeat);
        }
    }

    /**
     * @param allowedOrigins origins (e.g. {@code https://shop.example.com}) allowed to call the API from a page of
     *        theirs; none by default, so only grocer's own page (same origin) can
     */
    record Cors(@DefaultValue List<String> allowedOrigins) {}
}
