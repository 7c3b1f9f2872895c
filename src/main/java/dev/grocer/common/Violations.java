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

    /** Throws {@link DomainException#invalidArgument(List)} if anything was recorded. */
    public void throwIfAny() {
        if (!found.isEmpty()) {
            throw DomainException.invalidArgument(found);
        }
    }
}
