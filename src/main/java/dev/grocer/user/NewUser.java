package dev.grocer.user;

/**
 * The caller's part of a user to create; the server adds id, timestamps and etag.
 *
 * @param displayName the name to show
 * @param email the email address
 */
public record NewUser(String displayName, String email) {}
