package dev.grocer.order;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import tools.jackson.databind.ObjectMapper;

import dev.grocer.store.PostgresNotifications;
import dev.grocer.testing.MutableClock;
import dev.grocer.testing.TestPostgres;

/**
 * The repository contract against PostgreSQL: one embedded server for the class, emptied before each test.
 * Plus what only the database has: money in minor units, and the status time a fulfilment poller will read
 * (the contract cannot see it: {@link Order} has no such field).
 */
class JdbcOrderRepositoryTest extends OrderRepositoryContract {

    private static TestPostgres postgres;
    private static JdbcClient jdbc;
    private PostgresNotifications notifications;

    @BeforeAll
    static void startPostgres() {
        postgres = TestPostgres.start();
        jdbc = JdbcClient.create(postgres.dataSource());
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    @AfterEach
    void stopListening() {
        if (notifications != null) {
            notifications.stop();
            notifications = null;
        }
    }

    @Override
    protected OrderRepository newRepository(MutableClock clock, int maxStored) {
        return newJdbcRepository(clock, maxStored);
    }

    // A store of its own, with a listening connection of its own (the last one's is closed).
    private JdbcOrderRepository newJdbcRepository(MutableClock clock, int maxStored) {
        jdbc.sql("TRUNCATE orders, order_items, order_requests").update();
        jdbc.sql("UPDATE store_quota SET stored = 0 WHERE resource = 'orders'").update();
        stopListening();
        DataSourceProperties connection = new DataSourceProperties();
        connection.setUrl(postgres.jdbcUrl());
        connection.setUsername(postgres.username());
        notifications = new PostgresNotifications(connection, postgres.dataSource(), new ObjectMapper());
        notifications.start();
        return new JdbcOrderRepository(jdbc, new DataSourceTransactionManager(postgres.dataSource()), clock,
                InMemoryOrderRepositoryTest.properties(maxStored), new PostgresOrderChangeRelay(notifications));
    }

    @Test
    void aChangeThatCannotBeReadToPassOn_endsItsOrdersWatchers_insteadOfBeingDroppedUnseen() {
        JdbcOrderRepository repository = newJdbcRepository(clock, 100);
        Order placed = repository.create(groceries(ADA), totalOf(groceries(ADA)), null);
        OrderRepositoryContract.RecordingListener heard = new OrderRepositoryContract.RecordingListener(id -> true);
        // A replica whose store read fails while its listening connection stays up (say, its pool timed out).
        new PostgresOrderChangeRelay(notifications).deliverTo(heard, id -> {
            throw new org.springframework.jdbc.CannotGetJdbcConnectionException("connection is not available");
        });

        repository.update(placed.withAddress(WORK), OrderChange.ADDRESS_UPDATED);

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> heard.missedOrders().equals(List.of(placed.id())));
        assertThat(heard.events()).isEmpty();
    }

    @Test
    void advanceDue_movesEachDueOrderOneStep_onlyAfterItsDelay_andAnnouncesIt() {
        JdbcOrderRepository repository = newJdbcRepository(clock, 100);
        OrderRepositoryContract.RecordingListener heard = new OrderRepositoryContract.RecordingListener(id -> true);
        repository.listen(heard);
        Order first = repository.create(groceries(ADA), totalOf(groceries(ADA)), null);
        clock.advance(Duration.ofSeconds(1));
        Order second = repository.create(groceries(GRACE), totalOf(groceries(GRACE)), null);

        List<Order> early = repository.advanceDue(Duration.ofSeconds(2), 10, STEP);
        clock.advance(Duration.ofSeconds(1));
        List<Order> firstDue = repository.advanceDue(Duration.ofSeconds(2), 10, STEP);
        List<Order> again = repository.advanceDue(Duration.ofSeconds(2), 10, STEP);
        clock.advance(Duration.ofSeconds(1));
        List<Order> secondDue = repository.advanceDue(Duration.ofSeconds(2), 10, STEP);

        assertThat(early).isEmpty();
        assertThat(again).isEmpty();
        assertThat(firstDue).extracting(Order::id, Order::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple(first.id(), OrderStatus.PREPARING));
        assertThat(secondDue).extracting(Order::id, Order::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple(second.id(), OrderStatus.PREPARING));
        assertThat(repository.findById(first.id()).orElseThrow()).isEqualTo(firstDue.get(0));
        org.awaitility.Awaitility.await().until(() -> heard.events().size() >= 2);
        assertThat(heard.events()).containsExactly(new OrderEvent(OrderChange.STATUS_CHANGED, firstDue.get(0)),
                new OrderEvent(OrderChange.STATUS_CHANGED, secondDue.get(0)));
    }

    @Test
    void advanceDue_onSeveralPollersAtOnce_takesEveryStepExactlyOnce() throws Exception {
        JdbcOrderRepository repository = newJdbcRepository(clock, 1000);
        int orders = 300;
        for (int i = 0; i < orders; i++) {
            repository.create(groceries(ADA), totalOf(groceries(ADA)), null);
        }
        for (OrderStatus expected : List.of(OrderStatus.PREPARING, OrderStatus.OUT_FOR_DELIVERY,
                OrderStatus.DELIVERED)) {
            clock.advance(Duration.ofSeconds(3));

            // Four pollers, as if on four replicas, each taking batches of 7 until nothing is due.
            List<List<String>> taken = dev.grocer.testing.Concurrently.onThreads(4, () -> {
                List<String> mine = new java.util.ArrayList<>();
                List<Order> batch;
                do {
                    batch = repository.advanceDue(Duration.ofSeconds(2), 7, STEP);
                    batch.forEach(o -> mine.add(o.id()));
                } while (!batch.isEmpty());
                return mine;
            });

            List<String> all = taken.stream().flatMap(List::stream).toList();
            assertThat(all).hasSize(orders).doesNotHaveDuplicates();
            assertThat(repository.listAfter(null, orders)).extracting(Order::status).containsOnly(expected);
        }
        clock.advance(Duration.ofSeconds(3));
        assertThat(repository.advanceDue(Duration.ofSeconds(2), 7, STEP)).isEmpty(); // DELIVERED is final
    }

    @Test
    void aCancelledOrder_isNeverDue() {
        JdbcOrderRepository repository = newJdbcRepository(clock, 10);
        Order placed = repository.create(groceries(ADA), totalOf(groceries(ADA)), null);
        repository.update(placed.withStatus(OrderStatus.CANCELLED), OrderChange.CANCELLED);
        clock.advance(Duration.ofSeconds(10));

        assertThat(repository.advanceDue(Duration.ofSeconds(2), 10, STEP)).isEmpty();
        assertThat(repository.findById(placed.id()).orElseThrow().status()).isEqualTo(OrderStatus.CANCELLED);
    }

    @Override
    protected int load() {
        return 1;
    }

    private Instant statusTime(String orderId) {
        return jdbc.sql("SELECT status_time FROM orders WHERE id = ?").param(orderId).query(OffsetDateTime.class)
                .single().toInstant();
    }

    @Test
    void statusTime_isSetAtCreate_andMovesWithTheStatusOnly() {
        OrderRepository repository = newRepository(clock, 10);
        Order placed = repository.create(groceries(ADA), totalOf(groceries(ADA)), null);
        Instant start = clock.instant();

        clock.advance(Duration.ofSeconds(1));
        Order moved = repository.update(placed.withAddress(WORK), OrderChange.ADDRESS_UPDATED);
        Instant afterMove = statusTime(placed.id());
        Instant preparingAt = clock.advance(Duration.ofSeconds(1));
        Order preparing = repository.update(moved.withStatus(OrderStatus.PREPARING), OrderChange.STATUS_CHANGED);
        Instant afterStep = statusTime(placed.id());
        clock.advance(Duration.ofSeconds(1));
        repository.update(preparing.withAddress(HOME), OrderChange.ADDRESS_UPDATED); // same status, written again
        Instant afterSecondMove = statusTime(placed.id());

        assertThat(afterMove).isEqualTo(start);
        assertThat(afterStep).isEqualTo(preparingAt);
        assertThat(afterSecondMove).isEqualTo(preparingAt);
        assertThat(repository.findById(placed.id()).orElseThrow().updateTime()).isEqualTo(preparingAt.plusSeconds(1));
    }

    @Test
    void moneyIsStored_asWholeMinorUnitsOfTheOrdersCurrency() {
        OrderRepository repository = newRepository(clock, 10);
        NewOrder dinars = new NewOrder(ADA, List.of(new OrderItem("Dates", 7, new Money("KWD", 1, 234_000_000)),
                new OrderItem("Tea", 1, new Money("KWD", 0, 5_000_000))), HOME);

        Order created = repository.create(dinars, totalOf(dinars), null);

        assertThat(jdbc.sql("SELECT currency_code, total_minor FROM orders WHERE id = ?").param(created.id())
                .query().singleRow()).isEqualTo(Map.of("currency_code", "KWD", "total_minor", 8_643L));
        assertThat(jdbc.sql("SELECT unit_price_minor FROM order_items WHERE order_id = ? ORDER BY position")
                .param(created.id()).query(Long.class).list()).containsExactly(1_234L, 5L);
    }

    @Test
    void theFulfilmentPollersQuery_canUseThePartialIndexOfPendingOrders() {
        String plan = new TransactionTemplate(new DataSourceTransactionManager(postgres.dataSource())).execute(tx -> {
            jdbc.sql("SET LOCAL enable_seqscan = off").update(); // an empty table would be scanned otherwise
            return String.join("\n", jdbc.sql("EXPLAIN " + JdbcOrderRepository.DUE_ORDERS)
                    .params(OffsetDateTime.now(), 10).query(String.class).list());
        });

        assertThat(plan).contains("orders_pending_status_time");
    }
}
