package dev.grocer.client;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import dev.grocer.grpc.GrocerServices;
import io.grpc.MethodDescriptor;

/**
 * The gRPC service config (gRFC A6) grocer's client channel runs with, built from
 * {@link ClientProperties}: a default deadline for every call whose server answers once, and retries on
 * UNAVAILABLE for the reads only. Both follow from the contracts: a read is a method whose proto declares
 * {@code idempotency_level = NO_SIDE_EFFECTS} ({@link MethodDescriptor#isSafe()}), a call may rightly
 * last long when the server streams its answer. Creates, updates, deletes, cancels and chat messages are
 * never retried, since a lost answer does not mean the server did nothing; that holds for the ones
 * declared {@code IDEMPOTENT} too, whose repeat would answer NOT_FOUND or FAILED_PRECONDITION for a call
 * that succeeded.
 */
final class ClientServiceConfig {

    /** Reads answered with one message: safe to repeat, and short. */
    static final List<Map<String, Object>> IDEMPOTENT_READS =
            methods(method -> method.isSafe() && method.getType().serverSendsOneMessage());

    /** Streaming reads: safe to repeat until the first message arrives, but may rightly last long. */
    static final List<Map<String, Object>> LONG_READS =
            methods(method -> method.isSafe() && !method.getType().serverSendsOneMessage());

    /** Streams that change something, such as a chat that lasts as long as the person chats; never retried. */
    static final List<Map<String, Object>> LONG_WRITES =
            methods(method -> !method.isSafe() && !method.getType().serverSendsOneMessage());

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

    /** The service config names of grocer's methods that match, in {@link GrocerServices#methods()} order. */
    private static List<Map<String, Object>> methods(Predicate<MethodDescriptor<?, ?>> filter) {
        return GrocerServices.methods().stream().filter(filter).<Map<String, Object>>map(
                method -> Map.of("service", method.getServiceName(), "method", method.getBareMethodName()))
                .toList();
    }

    private static String seconds(Duration duration) {
        return java.math.BigDecimal.valueOf(duration.toNanos(), 9).stripTrailingZeros().toPlainString() + "s";
    }
}
