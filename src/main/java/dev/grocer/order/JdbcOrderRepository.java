package dev.grocer.order;

import static dev.grocer.order.OrderRows.BY_ORDER_AND_POSITION;
import static dev.grocer.order.OrderRows.COLUMNS;
import static dev.grocer.order.OrderRows.ORDERS;
import static dev.grocer.order.OrderRows.WITH_ITEMS;
import static dev.grocer.store.SqlTime.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.grocer.common.DomainException;
import dev.grocer.common.TimeOrderedIds;
import dev.grocer.store.StoreQuota;
import io.micrometer.observation.ObservationRegistry;

/**
 * {@link OrderRepository} on PostgreSQL ({@code grocer.store=postgres}; schema in
 * {@code db/migration/V2__orders.sql}). The database enforces what the in-memory store enforces under its
 * lock: a compare-and-set on the {@code version} column (the etag), a primary key on {@code request_id} for
 * idempotent registration, and a {@link StoreQuota} that keeps concurrent registrations within
 * {@code grocer.orders.max-stored} without making them wait for each other. Money is stored as whole minor units ({@link Money#toMinorUnits()}).
 * Every method blocks: never call it on an event loop.
 */
class JdbcOrderRepository implements OrderRepository {

    /**
     * The orders whose next fulfilment step is due ({@code status_time} at or before the parameter), oldest
     * first, that no other transaction holds: locked for this one. The status list is the partial index's.
     */
    static final String DUE_ORDERS = """
            SELECT id FROM orders
            WHERE status IN ('PLACED', 'PREPARING', 'OUT_FOR_DELIVERY') AND status_time <= ?
            ORDER BY status_time LIMIT ? FOR UPDATE SKIP LOCKED""";

    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;
    private final Clock clock;
    private final TimeOrderedIds ids;
    private final StoreQuota quota;
    private final OrderChangeRelay changes;
    private final ObservationRegistry observations;

    JdbcOrderRepository(JdbcClient jdbc, PlatformTransactionManager transactions, Clock clock,
            OrderProperties properties, OrderChangeRelay changes) {
        this(jdbc, transactions, clock, properties, changes, ObservationRegistry.NOOP);
    }

    @Autowired
    JdbcOrderRepository(JdbcClient jdbc, PlatformTransactionManager transactions, Clock clock,
            OrderProperties properties, OrderChangeRelay changes, ObservationRegistry observations) {
        this.jdbc = jdbc;
        this.transaction = new TransactionTemplate(transactions);
        this.clock = clock;
        this.ids = new TimeOrderedIds(clock);
        int maxStored = properties.maxStored();
        this.quota = new StoreQuota(jdbc, transactions, "orders", maxStored,
                () -> DomainException.storeFull(Order.RESOURCE_TYPE, "orders", maxStored));
        this.changes = changes;
        this.observations = observations;
    }

    @Override
    public Order create(NewOrder order, Money total, String requestId) {
        String currency = total.currencyCode();
        for (OrderItem item : order.items()) {
            if (!item.unitPrice().currencyCode().equals(currency)) {
                throw new IllegalArgumentException("an order has one currency: " + item.unitPrice().currencyCode()
                        + " is not the total's " + currency);
            }
        }
        return transaction.execute(tx -> {
            if (requestId != null) {
                Optional<Order> first = byRequestId(requestId);
                if (first.isPresent()) {
                    return first.get(); // a retry answers even when the store is full
                }
            }
            StoreQuota.Reservation reserved;
            try {
                reserved = quota.reserve(1);
            } catch (DomainException full) {
                // While we looked for room, a registration with this key may have taken the last place.
                return Optional.ofNullable(requestId).flatMap(this::byRequestId).orElseThrow(() -> full);
            }
            long version = jdbc.sql("SELECT nextval('order_versions')").query(Long.class).single();
            // Orders commit in any order, not in id order: listings page by id, which never changes, and that
            // is all they need (OrderRepository#listAfter).
            Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS); // what timestamptz keeps
            List<OrderItem> items = order.items().stream()
                    .map(i -> new OrderItem(i.product(), i.quantity(), exact(i.unitPrice())))
                    .toList();
            Order created = new Order(ids.next(), order.userId(), items, order.deliveryAddress(), OrderStatus.PLACED,
                    exact(total), now, now, version);
            if (requestId != null && !claim(requestId, created)) {
                reserved.release(1);
                return byRequestId(requestId).orElseThrow(() -> new IllegalStateException(
                        "request id " + requestId + " is claimed but its order is gone"));
            }
            insert(created);
            return created;
        });
    }

    /**
     * Records that {@code requestId} registered {@code created}; false if an earlier registration holds the key.
     * A concurrent registration with the same key waits on this row until this transaction ends.
     */
    private boolean claim(String requestId, Order created) {
        Address address = created.deliveryAddress();
        return jdbc.sql("""
                INSERT INTO order_requests (request_id, order_id, delivery_street, delivery_number, delivery_city,
                    delivery_postal_code, version)
                VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (request_id) DO NOTHING""")
                .params(requestId, created.id(), address.street(), address.number(), address.city(),
                        address.postalCode(), created.version())
                .update() == 1;
    }

    private void insert(Order created) {
        Address address = created.deliveryAddress();
        Instant now = created.createTime();
        jdbc.sql("""
                INSERT INTO orders (id, user_id, delivery_street, delivery_number, delivery_city, delivery_postal_code,
                    status, currency_code, total_minor, create_time, update_time, status_time, version)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(created.id(), created.userId(), address.street(), address.number(), address.city(),
                        address.postalCode(), created.status().name(), created.total().currencyCode(),
                        created.total().toMinorUnits(), time(now), time(now), time(now), created.version())
                .update();
        List<OrderItem> items = created.items();
        String[] products = new String[items.size()];
        int[] quantities = new int[items.size()];
        long[] prices = new long[items.size()];
        for (int i = 0; i < items.size(); i++) {
            products[i] = items.get(i).product();
            quantities[i] = items.get(i).quantity();
            prices[i] = items.get(i).unitPrice().toMinorUnits();
        }
        // All lines in one statement, whatever their number: three arrays, numbered from 1 by unnest.
        jdbc.sql("""
                INSERT INTO order_items (order_id, position, product, quantity, unit_price_minor)
                SELECT ?, line - 1, product, quantity, unit_price_minor
                FROM unnest(?::text[], ?::integer[], ?::bigint[]) WITH ORDINALITY
                    AS line_item (product, quantity, unit_price_minor, line)""")
                .params(created.id(), products, quantities, prices)
                .update();
    }

    /** The order as the registration that used {@code requestId} stored it: PLACED, at its first address. */
    private Optional<Order> byRequestId(String requestId) {
        return first(jdbc.sql("SELECT o.id, o.user_id, r.delivery_street, r.delivery_number, r.delivery_city, "
                + "r.delivery_postal_code, 'PLACED' AS status, o.currency_code, o.total_minor, o.create_time, "
                + "o.create_time AS update_time, r.version, i.product, i.quantity, i.unit_price_minor "
                + "FROM order_requests r JOIN orders o ON o.id = r.order_id" + WITH_ITEMS
                + " WHERE r.request_id = ?" + BY_ORDER_AND_POSITION).param(requestId).query(ORDERS));
    }

    @Override
    public Optional<Order> findById(String id) {
        return first(jdbc.sql("SELECT " + COLUMNS + " FROM orders o" + WITH_ITEMS + " WHERE o.id = ?"
                + BY_ORDER_AND_POSITION).param(id).query(ORDERS));
    }

    /**
     * Writes the address and status of {@code next} if the stored version is still {@code next.version()}, and
     * its notification ({@link PostgresOrderChangeRelay}) in the same transaction: every replica hears the change
     * exactly when it commits.
     */
    @Override
    public Order update(Order next, OrderChange change) {
        return transaction.execute(tx -> {
            Optional<Order> stored = write(next);
            if (stored.isPresent()) {
                changes.send(new OrderEvent(change, stored.get()));
                return stored.get();
            }
            Order current = findById(next.id()).orElseThrow(() -> DomainException.notFound(Order.RESOURCE_TYPE, "order", next.id()));
            if (current.version() != next.version()) {
                throw DomainException.etagMismatch(Order.RESOURCE_TYPE, "order", next.id(), next.etag(), current.etag());
            }
            throw new IllegalStateException("order " + next.id() + " at version " + next.version()
                    + " was not written");
        });
    }

    @Override
    public void listen(OrderChangeListener listener) {
        changes.deliverTo(listener, this::findById);
    }

    /**
     * {@inheritDoc}
     *
     * <p>All in one transaction, each order with its notification. The orders are locked with
     * {@code SKIP LOCKED}: a replica polling at the same time takes others, so each step happens exactly once.
     */
    @Override
    public List<Order> advanceDue(Duration stepDelay, int max, UnaryOperator<Order> step) {
        return transaction.execute(tx -> {
            Instant dueBy = clock.instant().minus(stepDelay);
            List<String> due = jdbc.sql(DUE_ORDERS).params(time(dueBy), max).query(String.class).list();
            List<Order> advanced = new ArrayList<>(due.size());
            for (String id : due) {
                Order current = findById(id).orElseThrow();
                advanced.add(FulfilmentSteps.observe(observations, id, current.status(), () -> {
                    // Locked by this transaction since DUE_ORDERS: nobody can have changed it in between.
                    Order stepped = write(step.apply(current)).orElseThrow();
                    changes.send(new OrderEvent(OrderChange.STATUS_CHANGED, stepped));
                    return stepped;
                }));
            }
            return advanced;
        });
    }

    // The compare-and-set: the order as written, or empty if it is gone or its version moved on.
    private Optional<Order> write(Order next) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Address address = next.deliveryAddress();
        // On the right of SET, "status" is the old value: status_time moves only when the status changes.
        return first(jdbc.sql("""
                WITH o AS (
                    UPDATE orders SET delivery_street = ?, delivery_number = ?, delivery_city = ?,
                        delivery_postal_code = ?, status = ?, update_time = ?,
                        status_time = CASE WHEN status = ? THEN status_time ELSE ? END,
                        version = nextval('order_versions')
                    WHERE id = ? AND version = ?
                    RETURNING *)
                """ + "SELECT " + COLUMNS + " FROM o" + WITH_ITEMS + BY_ORDER_AND_POSITION)
                .params(address.street(), address.number(), address.city(), address.postalCode(),
                        next.status().name(), time(now), next.status().name(), time(now), next.id(),
                        next.version())
                .query(ORDERS));
    }

    @Override
    public List<Order> listAfter(String afterId, int max) {
        // "" sorts before every id in the "C" collation.
        return jdbc.sql("SELECT " + COLUMNS + " FROM (SELECT * FROM orders WHERE id > ? ORDER BY id LIMIT ?) o"
                + WITH_ITEMS + BY_ORDER_AND_POSITION).params(afterId == null ? "" : afterId, max).query(ORDERS);
    }

    @Override
    public List<Order> listByUserAfter(String userId, String afterId, int max) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM (SELECT * FROM orders WHERE user_id = ? AND id > ? "
                + "ORDER BY id LIMIT ?) o" + WITH_ITEMS + BY_ORDER_AND_POSITION)
                .params(userId, afterId == null ? "" : afterId, max)
                .query(ORDERS);
    }

    private static Optional<Order> first(List<Order> orders) {
        return orders.isEmpty() ? Optional.empty() : Optional.of(orders.get(0));
    }

    /** {@code money} as the store gives it back: from its minor units (throws if it is no whole number of them). */
    private static Money exact(Money money) {
        return Money.ofMinorUnits(money.currencyCode(), money.toMinorUnits());
    }
}
