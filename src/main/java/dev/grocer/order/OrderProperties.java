package dev.grocer.order;

import java.time.Duration;

import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of OrderService ({@code grocer.orders.*}).
 *
 * @param defaultPageSize the ListOrders page size when the request says 0
 * @param maxPageSize the largest ListOrders page; larger requests are capped
 * @param watchOutboxCapacity events queued for one WatchOrder client before it counts as too slow and
 *     is disconnected with RESOURCE_EXHAUSTED
 * @param fulfilment the simulator that advances orders
 * @param maxStored the most orders the store holds; registering more is RESOURCE_EXHAUSTED (STORE_FULL)
 */
@Validated
@ConfigurationProperties("grocer.orders")
public record OrderProperties(
        @DefaultValue("50") @Min(1) @Max(1000) int defaultPageSize,
        @DefaultValue("1000") @Min(1) @Max(10_000) int maxPageSize,
        @DefaultValue("64") @Min(1) @Max(10_000) int watchOutboxCapacity,
        @DefaultValue @Valid Fulfilment fulfilment,
        @DefaultValue("2000000") @Min(1) @Max(1_000_000_000) int maxStored) {

    /**
     * The fulfilment simulator ({@code grocer.orders.fulfilment.*}).
     *
     * @param enabled whether orders advance on their own at all
     * @param stepDelay how long each step (PLACED to PREPARING, and so on) takes
     * @param pollInterval with {@code grocer.store=postgres}: how often each replica looks for steps that are
     *     due; a step happens up to this much later than its delay
     */
    public record Fulfilment(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("2s") @NotNull Duration stepDelay,
            @DefaultValue("250ms") @NotNull @DurationMin(millis = 10) @DurationMax(minutes = 1) Duration pollInterval) {}
}
