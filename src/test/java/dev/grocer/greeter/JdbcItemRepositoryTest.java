package dev.grocer.greeter;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

import dev.grocer.testing.MutableClock;
import dev.grocer.testing.TestPostgres;

/** The repository contract against PostgreSQL: one embedded server for the class, emptied before each test. */
class JdbcItemRepositoryTest extends ItemRepositoryContract {

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
    protected ItemRepository newRepository(MutableClock clock, int maxStored) {
        jdbc.sql("TRUNCATE items, item_requests").update();
        jdbc.sql("UPDATE store_quota SET stored = 0 WHERE resource = 'items'").update();
        return new JdbcItemRepository(jdbc, new DataSourceTransactionManager(postgres.dataSource()), clock,
                new GreeterProperties(50, 1000, maxStored));
    }

    @Override
    protected int load() {
        return 1;
    }
}
