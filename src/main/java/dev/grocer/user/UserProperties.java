package dev.grocer.user;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Limits of UserService ({@code grocer.users.*}).
 *
 * @param maxBatchSize the most requests one CreateUsers stream may carry; more is RESOURCE_EXHAUSTED
 * @param listChunkSize how many users ListUsers reads from the store at a time while streaming
 */
@Validated
@ConfigurationProperties("grocer.users")
public record UserProperties(
        @DefaultValue("1000") @Min(1) @Max(100_000) int maxBatchSize,
        @DefaultValue("256") @Min(1) @Max(10_000) int listChunkSize) {}
