package dev.grocer.greeter;

import java.util.List;
import java.util.Optional;

/**
 * Stores items and enforces what only a store can: idempotent creates. Input is validated before it
 * gets here ({@link GreeterManagement}). Implementations are thread-safe: concurrent writes are never lost.
 */
interface ItemRepository {

    /**
     * Creates an item with a new id.
     *
     * @param requestId an idempotency key, or {@code null}: a second create with the same key returns the
     *     item the first one created (as it was then)
     * @throws dev.grocer.common.DomainException RESOURCE_EXHAUSTED (STORE_FULL) if the store holds its maximum
     *     of items
     */
    Item create(NewItem item, String requestId);

    /** The item with this id, if there is one. */
    Optional<Item> findById(String id);

    /**
     * Up to {@code max} items in id order (creation order), starting after {@code afterId} ({@code null}:
     * from the first). Costs O(max), whatever the number of items stored.
     *
     * <p>Creates commit in any order, not in id order (an id is made before its record is stored). Paging
     * with this from the first page still sees every record stored before the listing began exactly once,
     * because an id never changes and is never reused; a record stored during the listing may or may not be
     * seen, depending on whether the listing had passed its id.
     */
    List<Item> listAfter(String afterId, int max);

    /** How many items are stored. */
    long count();
}
