package dev.grocer.store;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How calls use the PostgreSQL store's connection pool ({@code grocer.postgres.*}; only with
 * {@code grocer.store=postgres}). See {@link CallBoundDataSource} and docs/store.md, "Deadlines and load".
 *
 * @param maxWaitingCalls how many calls may wait for a pooled connection when all are in use; one more gets
 *     RESOURCE_EXHAUSTED ({@code STORE_BUSY}) at once instead of queueing. With HikariCP's pool of 10 and 256
 *     waiting, a GetUser waits about 5 ms here at worst (docs/performance.md)
 * @param minTimeLeft a call whose deadline is nearer than this when it first needs the database fails
 *     DEADLINE_EXCEEDED ({@code DEADLINE_TOO_SHORT}) without touching it: it could not finish anyway
 */
@Validated
@ConfigurationProperties("grocer.postgres")
public record PostgresProperties(
        @DefaultValue("256") @Min(0) @Max(100_000) int maxWaitingCalls,
        @DefaultValue("5ms") Duration minTimeLeft) {

    public PostgresProperties {
        if (minTimeLeft.isNegative()) {
            throw new IllegalArgumentException("grocer.postgres.min-time-left must not be negative, got " + minTimeLeft);
        }
    }
}
