package dev.grocer.user;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Limits of the ChatStream room ({@code grocer.chat.*}).
 *
 * @param maxParticipants the most streams connected at once; one more is RESOURCE_EXHAUSTED
 * @param maxMessageLength the longest text, in characters (Unicode code points)
 * @param outboxCapacity messages queued for one participant before it counts as too slow and is
 *     disconnected with RESOURCE_EXHAUSTED, so it cannot stall the others
 */
@Validated
@ConfigurationProperties("grocer.chat")
public record ChatProperties(
        @DefaultValue("100") @Min(1) @Max(10_000) int maxParticipants,
        @DefaultValue("1000") @Min(1) @Max(100_000) int maxMessageLength,
        @DefaultValue("256") @Min(1) @Max(100_000) int outboxCapacity) {}
