package dev.grocer.http;

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
 */
@ConfigurationProperties("grocer.http")
record HttpApiProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("4MB") DataSize maxRequestSize,
        @DefaultValue Cors cors) {

    /**
     * @param allowedOrigins origins (e.g. {@code https://shop.example.com}) allowed to call the API from a page of
     *        theirs; none by default, so only grocer's own page (same origin) can
     */
    record Cors(@DefaultValue List<String> allowedOrigins) {}
}
