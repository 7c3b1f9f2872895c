package dev.grocer.user;

import java.util.List;
import java.util.Optional;

/**
 * Stores users and enforces what only a store can: unique emails, idempotent creates and
 * compare-and-set writes on the etag. Input is validated before it gets here ({@link UserManagement}).
 * Implementations are thread-safe: concurrent writes are never lost.
 */
public interface UserRepository {

    /**
     * Creates a user with a new id.
     *
     * @param requestId an idempotency key, or {@code null}: a second create with the same key returns the
     *     user the first one created (as it was then), as long as that user exists
     * @throws dev.grocer.common.DomainException ALREADY_EXISTS if another user has the email, ignoring case
     */
    User create(NewUser user, String requestId);

    /** The user with this id, if there is one. */
    Optional<User> findById(String id);

    /**
     * Changes a user.
     *
     * @param expectedEtag the etag the caller read, or {@code null} to overwrite whatever is stored
     * @throws dev.grocer.common.DomainException NOT_FOUND, ABORTED on a stale etag, ALREADY_EXISTS if the new
     *     email belongs to another user
     */
    User update(String id, UserChanges changes, String expectedEtag);

    /**
     * Deletes a user.
     *
     * @param expectedEtag the etag the caller read, or {@code null}
     * @throws dev.grocer.common.DomainException NOT_FOUND, ABORTED on a stale etag
     */
    void delete(String id, String expectedEtag);

    /**
     * Up to {@code max} users in id order (creation order), starting after {@code afterId} ({@code null}:
     * from the first). Costs O(max), whatever the number of users stored.
     */
    List<User> listAfter(String afterId, int max);

    /** How many users are stored. */
    long count();
}
