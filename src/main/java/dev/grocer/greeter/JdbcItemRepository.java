package dev.grocer.greeter;

import static dev.grocer.store.SqlTime.instant;
import static dev.grocer.store.SqlTime.time;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.grocer.common.DomainException;
import dev.grocer.common.TimeOrderedIds;
import dev.grocer.store.StoreQuota;

/**
 * {@link ItemRepository} on PostgreSQL ({@code grocer.store=postgres}; schema in
 * {@code db/migration/V3__items.sql}). The database enforces what the in-memory store enforces under its
 * lock: a primary key on {@code request_id} for idempotent creates, and a {@link StoreQuota} that keeps
 * concurrent creates within {@code grocer.greeter.max-stored-items} without making them wait for each other.
 * Every method blocks: never call it on an event loop.
 */
class JdbcItemRepository implements ItemRepository {

    private static final String COLUMNS = "id, name, quantity, create_time, update_time, version";
    private static final RowMapper<Item> ITEM = (rs, row) -> new Item(rs.getString("id"), rs.getString("name"),
            rs.getInt("quantity"), instant(rs, "create_time"), instant(rs, "update_time"),
            Long.toString(rs.getLong("version"), 36));

    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;
    private final Clock clock;
    private final TimeOrderedIds ids;
    private final StoreQuota quota;

    JdbcItemRepository(JdbcClient jdbc, PlatformTransactionManager transactions, Clock clock,
            GreeterProperties properties) {
        this.jdbc = jdbc;
        this.transaction = new TransactionTemplate(transactions);
        this.clock = clock;
        this.ids = new TimeOrderedIds(clock);
        int maxStored = properties.maxStoredItems();
        this.quota = new StoreQuota(jdbc, transactions, "items", maxStored,
                () -> DomainException.storeFull(Item.RESOURCE_TYPE, "items", maxStored));
    }

    @Override
    public Item create(NewItem item, String requestId) {
        if (requestId != null) {
            Optional<Item> first = byRequestId(requestId);
            if (first.isPresent()) {
                return first.get(); // a retry answers even when the store is full
            }
        }
        return transaction.execute(tx -> {
            StoreQuota.Reservation reserved;
            try {
                reserved = quota.reserve(1);
            } catch (DomainException full) {
                // A create with the same key may have committed while we looked for room: it answers, as the
                // in-memory store would; anything else is full.
                return Optional.ofNullable(requestId).flatMap(this::byRequestId).orElseThrow(() -> full);
            }
            // Items commit in any order, not in id order; listings need only that ids never change
            // (ItemRepository#listAfter).
            String id = ids.next();
            if (requestId != null) {
                int claimed = jdbc.sql("""
                        INSERT INTO item_requests (request_id, item_id) VALUES (?, ?)
                        ON CONFLICT (request_id) DO NOTHING""").params(requestId, id).update();
                if (claimed == 0) {
                    reserved.release(1);
                    return byRequestId(requestId).orElseThrow(() -> new IllegalStateException(
                            "request id " + requestId + " is claimed but its item is gone"));
                }
            }
            Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS); // what timestamptz keeps
            return jdbc.sql("INSERT INTO items (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, nextval('item_versions'))"
                    + " RETURNING " + COLUMNS)
                    .params(id, item.name(), item.quantity(), time(now), time(now))
                    .query(ITEM).single();
        });
    }

    private Optional<Item> byRequestId(String requestId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM items JOIN item_requests ON item_id = id WHERE request_id = ?")
                .param(requestId).query(ITEM).optional();
    }

    @Override
    public Optional<Item> findById(String id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM items WHERE id = ?").param(id).query(ITEM).optional();
    }

    @Override
    public List<Item> listAfter(String afterId, int max) {
        return afterId == null
                ? jdbc.sql("SELECT " + COLUMNS + " FROM items ORDER BY id LIMIT ?").param(max).query(ITEM).list()
                : jdbc.sql("SELECT " + COLUMNS + " FROM items WHERE id > ? ORDER BY id LIMIT ?")
                        .params(afterId, max).query(ITEM).list();
    }

    @Override
    public long count() {
        return quota.count();
    }
}
