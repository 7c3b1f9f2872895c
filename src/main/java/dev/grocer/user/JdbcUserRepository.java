package dev.grocer.user;

import static dev.grocer.store.SqlTime.instant;
import static dev.grocer.store.SqlTime.time;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import javax.sql.DataSource;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.grocer.common.DomainException;
import dev.grocer.common.TimeOrderedIds;
import dev.grocer.store.BatchedLookups;
import dev.grocer.store.StoreQuota;

/**
 * {@link UserRepository} on PostgreSQL ({@code grocer.store=postgres}; schema in
 * {@code db/migration/V1__users.sql}). The database enforces what the in-memory store enforces under its
 * lock: a unique index on {@code lower(email)}, a compare-and-set on the {@code version} column (the etag),
 * a primary key on {@code request_id} for idempotent creates, and a {@link StoreQuota} that keeps concurrent
 * creates within {@code grocer.users.max-stored} without making them wait for each other. Every method
 * blocks: never call it on an event loop.
 */
class JdbcUserRepository implements UserRepository {

    /** At most this many ids in one query, and this many such queries at once (docs/performance.md). */
    private static final int LOOKUP_BATCH = 128;
    private static final int LOOKUPS_RUNNING = 2;

    private static final String COLUMNS = "id, display_name, email, create_time, update_time, version";
    private static final RowMapper<User> USER = (rs, row) -> new User(rs.getString("id"),
            rs.getString("display_name"), rs.getString("email"), instant(rs, "create_time"),
            instant(rs, "update_time"), etag(rs.getLong("version")));

    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;
    private final TransactionTemplate savepoint;
    private final Clock clock;
    private final TimeOrderedIds ids;
    private final StoreQuota quota;
    private final BatchedLookups<User> lookups;

    JdbcUserRepository(JdbcClient jdbc, DataSource dataSource, PlatformTransactionManager transactions, Clock clock,
            UserProperties properties) {
        this.jdbc = jdbc;
        this.lookups = new BatchedLookups<>(this::findAll, dataSource, LOOKUP_BATCH, LOOKUPS_RUNNING);
        this.transaction = new TransactionTemplate(transactions);
        this.savepoint = new TransactionTemplate(transactions);
        this.savepoint.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
        this.clock = clock;
        this.ids = new TimeOrderedIds(clock);
        int maxStored = properties.maxStored();
        this.quota = new StoreQuota(jdbc, transactions, "users", maxStored,
                () -> DomainException.storeFull(User.RESOURCE_TYPE, "users", maxStored));
    }

    /**
     * A create without a request id is one statement when a stripe of the quota is free: counted and inserted in one
     * round trip and one commit ({@link StoreQuota#insertInAFreeStripe}). Otherwise, with a request id, or inside a
     * caller's transaction, a transaction: the key, the quota (waiting for a stripe if need be), the insert.
     */
    @Override
    public User create(NewUser user, String requestId) {
        if (requestId == null && !TransactionSynchronizationManager.isActualTransactionActive()) {
            Optional<User> created = retryingDeadlocks(() -> createInOneStatement(user));
            if (created.isPresent()) {
                return created.get();
            }
        }
        return retryingDeadlocks(() -> transaction.execute(tx -> createOne(user, requestId)));
    }

    private Optional<User> createInOneStatement(NewUser user) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS); // what timestamptz keeps
        try {
            return quota.insertInAFreeStripe("INSERT INTO users (" + COLUMNS + ") "
                    + "SELECT :id, :displayName, :email, :now, :now, nextval('user_versions') FROM took RETURNING "
                    + COLUMNS, Map.of("id", ids.next(), "displayName", user.displayName(), "email", user.email(),
                            "now", time(now)), USER);
        } catch (DuplicateKeyException e) {
            throw emailTaken(user.email());
        }
    }

    @Override
    public List<Outcome> createAll(List<Entry> entries) {
        return retryingDeadlocks(() -> transaction.execute(tx -> {
            Set<String> newKeys = new HashSet<>();
            long fresh = entries.stream()
                    .filter(e -> e.requestId() == null || !keyTaken(e.requestId()) && newKeys.add(e.requestId()))
                    .count();
            StoreQuota.Reservation reserved = quota.reserve(fresh);
            List<Outcome> outcomes = new ArrayList<>(entries.size());
            long created = 0;
            for (Entry entry : entries) {
                try {
                    Created one = savepoint.execute(sp -> createOrFind(entry.user(), entry.requestId()));
                    outcomes.add(new Outcome(one.user(), null));
                    created += one.isNew() ? 1 : 0;
                } catch (DomainException e) {
                    outcomes.add(new Outcome(null, e));
                }
            }
            // The reservation counted every fresh entry; give back those that created nothing (a taken email,
            // a key another batch committed meanwhile).
            reserved.release(fresh - created);
            return outcomes;
        }));
    }

    /**
     * Runs a create again if PostgreSQL broke a deadlock by aborting it. Creates no longer wait for each other
     * on one counter, so two batches that insert the same keys or emails in opposite orders can each wait for
     * the other; the aborted one rolled back everything, and once the other has committed it finds those taken.
     */
    private static <T> T retryingDeadlocks(Supplier<T> create) {
        for (int attempt = 1;; attempt++) {
            try {
                return create.get();
            } catch (PessimisticLockingFailureException e) {
                boolean deadlock = e.getMostSpecificCause() instanceof SQLException sql
                        && "40P01".equals(sql.getSQLState());
                if (!deadlock || attempt == 5) {
                    throw e;
                }
            }
        }
    }

    /** Creates one user inside the caller's transaction. */
    private User createOne(NewUser user, String requestId) {
        if (requestId != null) {
            Optional<User> first = byRequestId(requestId);
            if (first.isPresent()) {
                return first.get(); // a retry answers even when the store is full
            }
        }
        StoreQuota.Reservation reserved;
        try {
            reserved = quota.reserve(1);
        } catch (DomainException full) {
            // A create with the same key may have committed while this one looked for room: it answers, as
            // in memory, where the two would have been one after the other.
            if (requestId == null) {
                throw full;
            }
            return byRequestId(requestId).orElseThrow(() -> full);
        }
        Created created = createOrFind(user, requestId);
        if (!created.isNew()) {
            reserved.release(1);
        }
        return created.user();
    }

    private record Created(User user, boolean isNew) {}

    /**
     * Inserts the user, or finds the one an earlier create with the same key made. The key's row goes in
     * first: a concurrent create with the same key waits on it until this transaction ends, then finds it.
     */
    private Created createOrFind(NewUser user, String requestId) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS); // what timestamptz keeps
        User created = new User(ids.next(), user.displayName(), user.email(), now, now, etag(nextVersion()));
        if (requestId != null) {
            int claimed = jdbc.sql("""
                    INSERT INTO user_requests (request_id, user_id, display_name, email, create_time, version)
                    VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (request_id) DO NOTHING""")
                    .params(requestId, created.id(), created.displayName(), created.email(), time(now),
                            version(created.etag()))
                    .update();
            if (claimed == 0) {
                return new Created(byRequestId(requestId).orElseThrow(() -> new IllegalStateException(
                        "request id " + requestId + " is claimed but its user is gone")), false);
            }
        }
        try {
            jdbc.sql("INSERT INTO users (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)")
                    .params(created.id(), created.displayName(), created.email(), time(now), time(now),
                            version(created.etag()))
                    .update();
        } catch (DuplicateKeyException e) {
            throw emailTaken(user.email());
        }
        return new Created(created, true);
    }

    private boolean keyTaken(String requestId) {
        return jdbc.sql("SELECT 1 FROM user_requests WHERE request_id = ?").param(requestId).query().optionalValue()
                .isPresent();
    }

    private Optional<User> byRequestId(String requestId) {
        return jdbc.sql("""
                SELECT user_id AS id, display_name, email, create_time, create_time AS update_time, version
                FROM user_requests WHERE request_id = ?""").param(requestId).query(USER).optional();
    }

    /**
     * GetUser and the reads before a write: batched with the reads that arrive with it ({@link BatchedLookups}), except
     * inside a transaction, which reads on its own connection.
     */
    @Override
    public Optional<User> findById(String id) {
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            return jdbc.sql("SELECT " + COLUMNS + " FROM users WHERE id = ?").param(id).query(USER).optional();
        }
        return lookups.find(id);
    }

    private Map<String, User> findAll(Collection<String> ids) {
        Map<String, User> found = new HashMap<>();
        jdbc.sql("SELECT " + COLUMNS + " FROM users WHERE id = ANY(?)").param(ids.toArray(String[]::new)).query(USER)
                .list().forEach(user -> found.put(user.id(), user));
        return found;
    }

    @Override
    public User update(String id, UserChanges changes, String expectedEtag) {
        while (true) {
            User current = current(id, expectedEtag);
            NewUser next = changes.applyTo(current);
            Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
            Optional<User> updated;
            try {
                updated = jdbc.sql("UPDATE users SET display_name = ?, email = ?, update_time = ?, "
                        + "version = nextval('user_versions') WHERE id = ? AND version = ? RETURNING " + COLUMNS)
                        .params(next.displayName(), next.email(), time(now), id, version(current.etag()))
                        .query(USER).optional();
            } catch (DuplicateKeyException e) {
                throw emailTaken(next.email());
            }
            if (updated.isPresent()) {
                return updated.get();
            }
            // Written or deleted since we read it: with an etag that is the caller's conflict to resolve
            // (current() now says which); without one, apply the changes to what is there now.
        }
    }

    @Override
    public void delete(String id, String expectedEtag) {
        transaction.executeWithoutResult(tx -> {
            // Counted off first, before the row is locked: a transaction waits for a stripe only while it holds
            // no other lock (a create holding a stripe may be waiting for this row's email).
            boolean counted = quota.remove();
            int deleted = expectedEtag == null
                    ? jdbc.sql("DELETE FROM users WHERE id = ?").param(id).update()
                    : jdbc.sql("DELETE FROM users WHERE id = ? AND version = ?")
                            .params(id, parseVersion(expectedEtag)).update();
            if (deleted == 0) {
                current(id, expectedEtag); // throws NOT_FOUND or ABORTED
                throw new IllegalStateException("user " + id + " was neither deleted nor changed");
            }
            if (!counted) {
                throw new IllegalStateException("user " + id + " was stored but store_quota counted no users");
            }
        });
    }

    @Override
    public List<User> listAfter(String afterId, int max) {
        return afterId == null
                ? jdbc.sql("SELECT " + COLUMNS + " FROM users ORDER BY id LIMIT ?").param(max).query(USER).list()
                : jdbc.sql("SELECT " + COLUMNS + " FROM users WHERE id > ? ORDER BY id LIMIT ?")
                        .params(afterId, max).query(USER).list();
    }

    @Override
    public long count() {
        return quota.count();
    }

    /** The stored user, checked against the caller's etag. */
    private User current(String id, String expectedEtag) {
        User current = findById(id).orElseThrow(() -> DomainException.notFound(User.RESOURCE_TYPE, "user", id));
        if (expectedEtag != null && !expectedEtag.equals(current.etag())) {
            throw DomainException.etagMismatch(User.RESOURCE_TYPE, "user", id, expectedEtag, current.etag());
        }
        return current;
    }

    private long nextVersion() {
        return jdbc.sql("SELECT nextval('user_versions')").query(Long.class).single();
    }

    private static DomainException emailTaken(String email) {
        return DomainException.alreadyExists("EMAIL_ALREADY_EXISTS",
                "email '" + email + "' is already used by another user; choose another email",
                Map.of("email", email), null);
    }

    private static String etag(long version) {
        return Long.toString(version, 36);
    }

    private static long version(String etag) {
        return Long.parseLong(etag, 36);
    }

    /** A caller's etag as a version; one that is no version of ours matches no row. */
    private static long parseVersion(String etag) {
        try {
            return version(etag);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
