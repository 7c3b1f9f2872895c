package dev.grocer.greeter;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;

import dev.grocer.common.DomainException;
import dev.grocer.common.TimeOrderedIds;

/**
 * The default {@link ItemRepository} ({@code grocer.store=memory}): items in memory, lost on restart.
 *
 * <p>Reads are lock-free (a concurrent sorted map of immutable records). Writes take one lock, because
 * a create checks and changes two structures at once (the items and the request-id index) and must not
 * interleave with another create doing the same.
 */
class InMemoryItemRepository implements ItemRepository {

    private final Clock clock;
    private final TimeOrderedIds ids;
    private final ConcurrentSkipListMap<String, Item> items = new ConcurrentSkipListMap<>();
    private final ReentrantLock writeLock = new ReentrantLock();
    // Read and written only while holding writeLock.
    private final Map<String, Item> createdByRequestId = new HashMap<>();
    private long revision;
    private volatile long count;
    private final int maxStored;

    InMemoryItemRepository(Clock clock, GreeterProperties properties) {
        this.clock = clock;
        this.ids = new TimeOrderedIds(clock);
        this.maxStored = properties.maxStoredItems();
    }

    @Override
    public Item create(NewItem item, String requestId) {
        // Made before taking the lock, as the PostgreSQL store makes them before its insert: items are stored in
        // any order, not in id order, and listings do not need more (ItemRepository#listAfter).
        String id = ids.next();
        Instant now = clock.instant();
        writeLock.lock();
        try {
            if (requestId != null) {
                Item first = createdByRequestId.get(requestId);
                if (first != null) {
                    return first;
                }
            }
            if (count >= maxStored) {
                throw DomainException.storeFull(Item.RESOURCE_TYPE, "items", maxStored);
            }
            Item created = new Item(id, item.name(), item.quantity(), now, now, nextEtag());
            items.put(created.id(), created);
            count++;
            if (requestId != null) {
                createdByRequestId.put(requestId, created);
            }
            return created;
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public Optional<Item> findById(String id) {
        return Optional.ofNullable(items.get(id));
    }

    @Override
    public List<Item> listAfter(String afterId, int max) {
        NavigableMap<String, Item> tail = afterId == null ? items : items.tailMap(afterId, false);
        List<Item> page = new ArrayList<>(Math.min(max, 1024));
        for (Item item : tail.values()) {
            if (page.size() == max) {
                break;
            }
            page.add(item);
        }
        return page;
    }

    @Override
    public long count() {
        return count; // the sorted map's size() walks every entry
    }

    private String nextEtag() {
        return Long.toString(++revision, 36);
    }
}
