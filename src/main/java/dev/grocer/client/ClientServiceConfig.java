package dev.grocer.client;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The gRPC service config (gRFC A6) grocer's client channel runs with, built from
 * {@link ClientProperties}: a default deadline for every call, and retries on UNAVAILABLE for the
 * idempotent reads only. Creates, updates, deletes, cancels and chat messages are never retried, since
 * a lost answer does not mean the server did nothing.
 */
final class ClientServiceConfig {

    /** Unary reads: safe to repeat, and short. */
    static final List<Map<String, Object>> IDEMPOTENT_READS = List.of(
            method("grocer.user.v1.UserService", "GetUser"),
            method("grocer.order.v1.OrderService", "GetOrder"),
            method("grocer.order.v1.OrderService", "ListOrders"),
            method("grocer.greeter.v1.GreeterService", "SayHello"),
            method("grocer.greeter.v1.GreeterService", "GetItem"),
            method("grocer.greeter.v1.GreeterService", "ListItems"));

    /** Streaming reads: safe to repeat until the first message arrives, but may rightly last long. */
    static final List<Map<String, Object>> LONG_READS = List.of(
            method("grocer.user.v1.UserService", "ListUsers"),
            method("grocer.order.v1.OrderService", "WatchOrder"));

    /** Lasts as long as the person chats; never retried. */
    static final List<Map<String, Object>> LONG_WRITES = List.of(
            method("grocer.user.v1.UserService", "ChatStream"));

    private ClientServiceConfig() {}

    /** The service config as the map {@code ManagedChannelBuilder.defaultServiceConfig} takes. */
    static Map<String, Object> of(ClientProperties properties) {
        String deadline = seconds(properties.defaultDeadline());
        Map<String, Object> retry = retryPolicy(properties.retry());
        return Map.of("methodConfig", List.of(
                // The most specific name wins, so this entry covers every method not listed below.
                Map.of("name", List.of(Map.of()), "timeout", deadline),
                Map.of("name", IDEMPOTENT_READS, "timeout", deadline, "retryPolicy", retry),
                Map.of("name", LONG_READS, "retryPolicy", retry),
                Map.of("name", LONG_WRITES)));
    }

    private static Map<String, Object> retryPolicy(ClientProperties.Retry retry) {
        // The service config is JSON: numbers are doubles, durations are strings like "0.2s".
        return Map.of(
                "maxAttempts", (double) retry.maxAttempts(),
                "initialBackoff", seconds(retry.initialBackoff()),
                "maxBackoff", seconds(retry.maxBackoff()),
                "backoffMultiplier", retry.backoffMultiplier(),
                "retryableStatusCodes", List.of("UNAVAILABLE"));
    }

    private static Map<String, Object> method(String service, String method) {
        return Map.of("service", service, "method", method);
    }

    private static String seconds(Duration duration) {
        return java.math.BigDecimal.valueOf(duration.toNanos(), 9).stripTrailingZeros().toPlainString() + "s";
    }
}
