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
     * @throws dev.grocer.common.DomainException ALREADY_EXISTS if another user has the email, ignoring case;
     *     RESOURCE_EXHAUSTED (STORE_FULL) if the store holds its maximum of users
     */
    User create(NewUser user, String requestId);

    /**
     * Creates several users at once, each as {@link #create} would, or none: if the store cannot take
     * every new user of the batch (counting each entry that is not an idempotent retry, whether or not its
     * email turns out to be taken), it throws RESOURCE_EXHAUSTED (STORE_FULL) and creates nothing.
     *
     * @return one outcome per entry, in order
     */
    List<Outcome> createAll(List<Entry> entries);

    /** A user to create and its idempotency key, or {@code null}. */
    record Entry(NewUser user, String requestId) {}

    /** The user an entry created (or an earlier call with its key), or why it created none. */
    record Outcome(User user, dev.grocer.common.DomainException error) {}

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
     *
     * <p>Creates commit in any order, not in id order (an id is made before its record is stored). Paging
     * with this from the first page still sees every record stored before the listing began exactly once,
     * because an id never changes and is never reused; a record stored during the listing may or may not be
     * seen, depending on whether the listing had passed its id.
     */
    List<User> listAfter(String afterId, int max);

    /** How many users are stored. */
    long count();
}
