package dev.grocer.common;

import static java.util.Objects.requireNonNull;

/**
 * One bad field of a request.
 *
 * @param field the field's path in the request, as named in the proto, e.g. {@code user.email}
 * @param description what is wrong and what to send instead
 */
public record FieldViolation(String field, String description) {

    public FieldViolation {
        requireNonNull(field, "field");
        requireNonNull(description, "description");
    }
}
