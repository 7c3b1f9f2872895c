package dev.grocer.user;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Limits of UserService ({@code grocer.users.*}).
 *
 * @param maxBatchSize the most requests one CreateUsers stream may carry; more is RESOURCE_EXHAUSTED. The
 *     one response lists a result per request, up to 1 KB each with every field at its longest (see
 *     {@code CreateUsersResponseSizeTest}; short names and addresses take far less), and clients accept
 *     4 MB messages by default: the default 1,000 always fits; the cap of 10,000 fits typical users only
 * @param listChunkSize how many users ListUsers reads from the store at a time while streaming
 * @param maxStored the most users the store holds; creating more is RESOURCE_EXHAUSTED (STORE_FULL)
 */
@Validated
@ConfigurationProperties("grocer.users")
public record UserProperties(
        @DefaultValue("1000") @Min(1) @Max(10_000) int maxBatchSize,
        @DefaultValue("256") @Min(1) @Max(10_000) int listChunkSize,
        @DefaultValue("2000000") @Min(1) @Max(1_000_000_000) int maxStored) {}
