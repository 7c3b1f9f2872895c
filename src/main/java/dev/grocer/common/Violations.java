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
        String text = raw == null ? "" : raw.strip();
        int length = text.codePointCount(0, text.length());
        if (check(length >= 1 && length <= maxLength, field,
                "must be 1 to " + maxLength + " characters after trimming, was " + length)) {
            check(text.codePoints().noneMatch(Character::isISOControl), field,
                    "must not contain control characters (tabs, line breaks, ...)");
        }
        return text;
    }

    /**
     * Checks a required id: present, and a lower-case canonical UUID as grocer issues them.
     *
     * @param whatItIs how to describe a valid value, e.g. "a user id as returned by CreateUser"
     */
    public boolean id(String id, String field, String whatItIs) {
        return check(id != null && !id.isEmpty(), field, "is required")
                && check(TimeOrderedIds.isCanonicalUuid(id), field,
                        "must be " + whatItIs + " (a lower-case UUID), was '" + id + "'");
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
