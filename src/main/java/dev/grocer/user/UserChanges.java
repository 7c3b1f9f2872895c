package dev.grocer.user;

/**
 * New values for some of a user's fields; a {@code null} component leaves that field as it is.
 *
 * @param displayName the new display name, or {@code null}
 * @param email the new email, or {@code null}
 */
public record UserChanges(String displayName, String email) {

    /** Applies these changes to {@code user}'s mutable fields. */
    NewUser applyTo(User user) {
        return new NewUser(displayName != null ? displayName : user.displayName(),
                email != null ? email : user.email());
    }
}
