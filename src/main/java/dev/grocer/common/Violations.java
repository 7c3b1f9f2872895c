package dev.grocer.common;

import java.util.ArrayList;
import java.util.List;

/** Collects every bad field of a request, so one reply names them all instead of the first only. */
public final class Violations {

    private final List<FieldViolation> found = new ArrayList<>();

    /** Records a violation of {@code field} unless {@code ok}. Returns {@code ok}. */
    public boolean check(boolean ok, String field, String description) {
        if (!ok) {
            found.add(new FieldViolation(field, description));
        }
        return ok;
    }

    /** Records a violation of {@code field}. */
    public void add(String field, String description) {
        found.add(new FieldViolation(field, description));
    }

    /**
     * Checks a one-line text field: after trimming, 1 to {@code maxLength} characters (code points) and no
     * control characters. Returns the trimmed text.
     */
    public String singleLine(String raw, String field, int maxLength) {
        // On every call's path: the messages are built only when they are needed, and no stream is made.
        String text = raw == null ? "" : raw.strip();
        int length = text.codePointCount(0, text.length());
        if (length < 1 || length > maxLength) {
            add(field, "must be 1 to " + maxLength + " characters after trimming, was " + length);
        } else if (hasControlCharacter(text)) {
            add(field, "must not contain control characters (tabs, line breaks, ...)");
        }
        return text;
    }

    // Every ISO control character is in the Basic Multilingual Plane, and no half of a surrogate pair is one.
    private static boolean hasControlCharacter(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isISOControl(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Checks a required id: present, and a lower-case canonical UUID as grocer issues them.
     *
     * @param whatItIs how to describe a valid value, e.g. "a user id as returned by CreateUser"
     */
    public boolean id(String id, String field, String whatItIs) {
        if (id == null || id.isEmpty()) {
            add(field, "is required");
            return false;
        }
        if (!TimeOrderedIds.isCanonicalUuid(id)) {
            add(field, "must be " + whatItIs + " (a lower-case UUID), was '" + id + "'");
            return false;
        }
        return true;
    }

    /**
     * Checks an optional idempotency key (AIP-155) in field {@code request_id}: empty, or a UUID.
     *
     * @return the key, or {@code null} when the request carries none
     */
    public String requestId(String requestId) {
        String key = requestId == null || requestId.isEmpty() ? null : requestId;
        check(key == null || TimeOrderedIds.isCanonicalUuid(key), "request_id",
                "must be a UUID in lower-case canonical form (e.g. 0190b8d2-6f1e-7c3a-9d4b-2f6c1e8a5b7d), or empty");
        return key;
    }

    /** Throws {@link DomainException#invalidArgument(List)} if anything was recorded. */
    public void throwIfAny() {
        if (!found.isEmpty()) {
            throw DomainException.invalidArgument(found);
        }
    }
}
