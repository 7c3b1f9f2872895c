package dev.grocer.client;

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the {@code client} profile ({@code grocer.client.*}).
 *
 * @param target where to connect: host:port, several separated by commas (calls go round-robin over them),
 *     or a gRPC target such as {@code dns:///name:port}; see {@link ClientTarget}
 * @param interactive run the shell (commands from standard input) instead of the demo
 * @param defaultDeadline the deadline of every call that sets none, except the long-lived streams
 *     (WatchOrder, ListUsers, ChatStream)
 * @param retry how idempotent reads are retried when the server is UNAVAILABLE
 * @param token a bearer JWT sent with every call ({@code authorization: Bearer ...}), for a server with
 *     {@code grocer.security.enabled=true}; none by default
 */
@Validated
@ConfigurationProperties("grocer.client")
public record ClientProperties(
        @DefaultValue("localhost:9090") @NotNull ClientTarget target,
        @DefaultValue("false") boolean interactive,
        @DefaultValue("10s") @NotNull Duration defaultDeadline,
        @DefaultValue @Valid Retry retry,
        String token) {

    /**
     * The gRPC retry policy of the idempotent reads ({@code grocer.client.retry.*}).
     *
     * @param maxAttempts attempts in all, the first included (gRPC caps this at 5)
     * @param initialBackoff the wait before the first retry (randomized by gRPC)
     * @param maxBackoff the longest wait between attempts
     * @param backoffMultiplier how much the wait grows after each attempt
     */
    public record Retry(
            @DefaultValue("4") @Min(2) @Max(5) int maxAttempts,
            @DefaultValue("200ms") @NotNull Duration initialBackoff,
            @DefaultValue("2s") @NotNull Duration maxBackoff,
            @DefaultValue("2.0") @DecimalMin("1.0") double backoffMultiplier) {}
}
