package dev.grocer.greeter;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Limits of GreeterService ({@code grocer.greeter.*}).
 *
 * @param defaultPageSize how many items ListItems returns when the request's page_size is 0
 * @param maxPageSize the most items one ListItems page holds; a larger page_size is capped to it
 * @param maxStoredItems the most items the store holds; adding more is RESOURCE_EXHAUSTED (STORE_FULL)
 */
@Validated
@ConfigurationProperties("grocer.greeter")
record GreeterProperties(
        @DefaultValue("50") @Min(1) @Max(1000) int defaultPageSize,
        @DefaultValue("1000") @Min(1) @Max(10_000) int maxPageSize,
        @DefaultValue("2000000") @Min(1) @Max(1_000_000_000) int maxStoredItems) {

    /** A default page larger than the largest allowed page would be capped on every call: refuse to start. */
    @AssertTrue(message = "default-page-size must not be larger than max-page-size")
    boolean isDefaultPageSizeWithinMax() {
        return defaultPageSize <= maxPageSize;
    }
}
