package dev.grocer.user;

import java.time.Instant;

/**
 * A person who uses grocer, as stored.
 *
 * @param id server-assigned, a time-ordered UUID
 * @param displayName 1 to 100 characters, trimmed
 * @param email unique across users ignoring case, as the user typed it (trimmed)
 * @param createTime when the user was created
 * @param updateTime when the user was last written
 * @param etag changes on every write; lets a client update only the version it read
 */
public record User(String id, String displayName, String email, Instant createTime, Instant updateTime,
        String etag) {

    /** The resource type errors name (AIP-193 {@code ResourceInfo}): the contract's message. */
    public static final String RESOURCE_TYPE = "grocer.user.v1.User";
}
