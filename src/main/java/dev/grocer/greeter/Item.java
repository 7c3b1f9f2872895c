package dev.grocer.greeter;

import java.time.Instant;

/**
 * Something kept on GreeterService's list, as stored.
 *
 * @param id server-assigned, a time-ordered UUID
 * @param name 1 to 100 characters, trimmed
 * @param quantity how many, 1 to 1,000,000
 * @param createTime when the item was added
 * @param updateTime when the item was last written
 * @param etag changes on every write
 */
record Item(String id, String name, int quantity, Instant createTime, Instant updateTime, String etag) {

    /** The resource type errors name (AIP-193 {@code ResourceInfo}): the contract's message. */
    static final String RESOURCE_TYPE = "grocer.greeter.v1.Item";
}
