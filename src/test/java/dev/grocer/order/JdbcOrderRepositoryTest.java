package dev.grocer.order;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

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

    @BeforeAll
    static void startPostgres() {
        postgres = TestPostgres.start();
        jdbc = JdbcClient.create(postgres.dataSource());
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    @Override
    protected OrderRepository newRepository(MutableClock clock, int maxStored) {
        jdbc.sql("TRUNCATE orders, order_items, order_requests").update();
        jdbc.sql("UPDATE order_count SET stored = 0").update();
        return new JdbcOrderRepository(jdbc, new DataSourceTransactionManager(postgres.dataSource()), clock,
                InMemoryOrderRepositoryTest.properties(maxStored));
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
        Order moved = repository.update(placed.withAddress(WORK));
        Instant afterMove = statusTime(placed.id());
        Instant preparingAt = clock.advance(Duration.ofSeconds(1));
        Order preparing = repository.update(moved.withStatus(OrderStatus.PREPARING));
        Instant afterStep = statusTime(placed.id());
        clock.advance(Duration.ofSeconds(1));
        repository.update(preparing.withAddress(HOME)); // same status, written again
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
            return String.join("\n", jdbc.sql("""
                    EXPLAIN SELECT id FROM orders
                    WHERE status IN ('PLACED', 'PREPARING', 'OUT_FOR_DELIVERY')
                      AND status_time <= now() - interval '2 seconds'
                    ORDER BY status_time LIMIT 10 FOR UPDATE SKIP LOCKED""").query(String.class).list());
        });

        assertThat(plan).contains("orders_pending_status_time");
    }
}
