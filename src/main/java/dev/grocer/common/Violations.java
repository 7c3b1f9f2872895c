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

    /** Throws {@link DomainException#invalidArgument(List)} if anything was recorded. */
    public void throwIfAny() {
        if (!found.isEmpty()) {
            throw DomainException.invalidArgument(found);
        }
    }
}
