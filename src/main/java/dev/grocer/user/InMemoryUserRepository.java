package dev.grocer.user;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;

import dev.grocer.common.DomainException;
import dev.grocer.common.TimeOrderedIds;

/**
 * The default {@link UserRepository} ({@code grocer.store=memory}): users in memory, lost on restart.
 *
 * <p>Reads are lock-free (a concurrent sorted map of immutable records). Writes take one lock, because
 * each write checks and changes several structures at once (the users, the email index, the request-id
 * index) and must not interleave with another write doing the same.
 */
class InMemoryUserRepository implements UserRepository {

    private final Clock clock;
    private final TimeOrderedIds ids;
    private final ConcurrentSkipListMap<String, User> users = new ConcurrentSkipListMap<>();
    private final ReentrantLock writeLock = new ReentrantLock();
    // The maps below are read and written only while holding writeLock.
    private final Map<String, String> idsByEmail = new HashMap<>();
    private final Map<String, User> createdByRequestId = new HashMap<>();
    private final Map<String, String> requestIdById = new HashMap<>();
    private long revision;
    private volatile long count;

    private final int maxStored;

    InMemoryUserRepository(Clock clock, UserProperties properties) {
        this.clock = clock;
        this.ids = new TimeOrderedIds(clock);
        this.maxStored = properties.maxStored();
    }

    @Override
    public User create(NewUser user, String requestId) {
        // Made before taking the lock, as the PostgreSQL store makes them before its insert: creates store their
        // users in any order, not in id order, and listings do not need more (UserRepository#listAfter).
        String id = ids.next();
        Instant now = clock.instant();
        writeLock.lock();
        try {
            return createLocked(id, now, user, requestId);
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public List<Outcome> createAll(List<Entry> entries) {
        writeLock.lock();
        try {
            java.util.Set<String> newKeys = new java.util.HashSet<>();
            long fresh = entries.stream()
                    .filter(e -> e.requestId() == null
                            || !createdByRequestId.containsKey(e.requestId()) && newKeys.add(e.requestId()))
                    .count();
            if (count + fresh > maxStored) {
                throw DomainException.storeFull(User.RESOURCE_TYPE, "users", maxStored);
            }
            List<Outcome> outcomes = new ArrayList<>(entries.size());
            for (Entry entry : entries) {
                try {
                    outcomes.add(new Outcome(createLocked(ids.next(), clock.instant(), entry.user(), entry.requestId()),
                            null));
                } catch (DomainException e) {
                    outcomes.add(new Outcome(null, e));
                }
            }
            return outcomes;
        } finally {
            writeLock.unlock();
        }
    }

    /** Creates one user with the given id and time; the caller holds the write lock. */
    private User createLocked(String id, Instant now, NewUser user, String requestId) {
        if (requestId != null) {
            User first = createdByRequestId.get(requestId);
            if (first != null) {
                return first;
            }
        }
        if (count >= maxStored) {
            throw DomainException.storeFull(User.RESOURCE_TYPE, "users", maxStored);
        }
        String emailKey = emailKey(user.email());
        rejectTakenEmail(emailKey, user.email(), null);
        User created = new User(id, user.displayName(), user.email(), now, now, nextEtag());
        users.put(created.id(), created);
        count++;
        idsByEmail.put(emailKey, created.id());
        if (requestId != null) {
            createdByRequestId.put(requestId, created);
            requestIdById.put(created.id(), requestId);
        }
        return created;
    }

    @Override
    public Optional<User> findById(String id) {
        return Optional.ofNullable(users.get(id));
    }

    @Override
    public User update(String id, UserChanges changes, String expectedEtag) {
        writeLock.lock();
        try {
            User current = current(id, expectedEtag);
            NewUser next = changes.applyTo(current);
            String oldKey = emailKey(current.email());
            String newKey = emailKey(next.email());
            if (!newKey.equals(oldKey)) {
                rejectTakenEmail(newKey, next.email(), id);
            }
            User updated = new User(id, next.displayName(), next.email(), current.createTime(), clock.instant(),
                    nextEtag());
            users.put(id, updated);
            if (!newKey.equals(oldKey)) {
                idsByEmail.remove(oldKey);
                idsByEmail.put(newKey, id);
            }
            return updated;
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public void delete(String id, String expectedEtag) {
        writeLock.lock();
        try {
            User current = current(id, expectedEtag);
            users.remove(id);
            count--;
            idsByEmail.remove(emailKey(current.email()));
            String requestId = requestIdById.remove(id);
            if (requestId != null) {
                createdByRequestId.remove(requestId);
            }
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public List<User> listAfter(String afterId, int max) {
        NavigableMap<String, User> tail = afterId == null ? users : users.tailMap(afterId, false);
        List<User> page = new ArrayList<>(Math.min(max, 1024));
        for (User user : tail.values()) {
            if (page.size() == max) {
                break;
            }
            page.add(user);
        }
        return page;
    }

    @Override
    public long count() {
        return count; // the sorted map's size() walks every entry
    }

    private User current(String id, String expectedEtag) {
        User current = users.get(id);
        if (current == null) {
            throw DomainException.notFound(User.RESOURCE_TYPE, "user", id);
        }
        if (expectedEtag != null && !expectedEtag.equals(current.etag())) {
            throw DomainException.etagMismatch(User.RESOURCE_TYPE, "user", id, expectedEtag, current.etag());
        }
        return current;
    }

    private void rejectTakenEmail(String emailKey, String email, String exceptId) {
        String owner = idsByEmail.get(emailKey);
        if (owner != null && !owner.equals(exceptId)) {
            throw DomainException.alreadyExists("EMAIL_ALREADY_EXISTS",
                    "email '" + email + "' is already used by another user; choose another email",
                    Map.of("email", email), null);
        }
    }

    private String nextEtag() {
        return Long.toString(++revision, 36);
    }

    private static String emailKey(String email) {
        return email.toLowerCase(Locale.ROOT);
    }
}
