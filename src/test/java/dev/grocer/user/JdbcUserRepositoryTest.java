package dev.grocer.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.grocer.common.DomainException;
import dev.grocer.store.StoreQuota;
import dev.grocer.testing.MutableClock;
import dev.grocer.testing.TestPostgres;

/**
 * The repository contract against PostgreSQL: one embedded server for the class, emptied before each test. Plus
 * what only the database has: the striped count of {@link StoreQuota}, whose stripes the contract cannot see.
 */
class JdbcUserRepositoryTest extends UserRepositoryContract {

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
    protected UserRepository newRepository(MutableClock clock, int maxStored) {
        jdbc.sql("TRUNCATE users, user_requests").update();
        jdbc.sql("UPDATE store_quota SET stored = 0 WHERE resource = 'users'").update();
        return new JdbcUserRepository(jdbc, postgres.dataSource(), new DataSourceTransactionManager(postgres.dataSource()), clock,
                new UserProperties(1000, 256, maxStored));
    }

    @Override
    protected int load() {
        return 1;
    }

    @Test
    void creates_doNotWaitForOtherCreatesThatHaveNotCommitted() throws Exception {
        UserRepository users = newRepository(clock, 1000);
        int open = 6;
        ExecutorService pool = Executors.newFixedThreadPool(open);
        CountDownLatch created = new CountDownLatch(open);
        CountDownLatch commit = new CountDownLatch(1);
        try {
            List<Future<?>> holders = new ArrayList<>();
            for (int i = 0; i < open; i++) {
                int n = i;
                // Each holds its create's stripe until commit: the create joins this open transaction.
                holders.add(pool.submit(() -> new TransactionTemplate(transactions()).executeWithoutResult(tx -> {
                    users.create(new NewUser("Held " + n, "held" + n + "@example.com"), null);
                    created.countDown();
                    await(commit);
                })));
            }
            assertThat(created.await(30, TimeUnit.SECONDS)).isTrue();

            // With one counter row these would wait until the open ones commit, which they do only after these
            // (or after the holders give up waiting, too late for this get).
            Executors.newSingleThreadExecutor().submit(() -> {
                for (int i = 0; i < 20; i++) {
                    users.create(new NewUser("Free " + i, "free" + i + "@example.com"), null);
                }
                return null;
            }).get(20, TimeUnit.SECONDS);

            assertThat(users.count()).isEqualTo(20);
            commit.countDown();
            for (Future<?> holder : holders) {
                holder.get(30, TimeUnit.SECONDS);
            }
            assertThat(users.count()).isEqualTo(20 + open);
        } finally {
            commit.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void aCountMigratedIntoStripeZero_isSpreadWithinTheCapsByTheFirstCreate_andTheMaximumStaysExact() {
        UserRepository users = newRepository(clock, 50);
        // What V4 does with an old count: all of it in stripe 0, far over that stripe's cap of 2.
        jdbc.sql("UPDATE store_quota SET stored = 45 WHERE resource = 'users' AND stripe = 0").update();

        for (int i = 0; i < 5; i++) {
            users.create(new NewUser("User " + i, "user" + i + "@example.com"), null);
        }
        DomainException full = catchThrowableOfType(DomainException.class,
                () -> users.create(new NewUser("One more", "more@example.com"), null));

        assertThat(full.reason()).isEqualTo("STORE_FULL");
        assertThat(users.count()).isEqualTo(50);
        assertEveryStripeWithinItsCap(50);
    }

    @Test
    void aMaximumLoweredBelowTheCount_refusesCreatesUntilDeletesMakeRoom() {
        UserRepository before = newRepository(clock, 1000);
        List<User> stored = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            stored.add(before.create(new NewUser("User " + i, "user" + i + "@example.com"), null));
        }
        UserRepository lowered = new JdbcUserRepository(jdbc, postgres.dataSource(), transactions(), clock, new UserProperties(1000, 256, 50));

        DomainException full = catchThrowableOfType(DomainException.class,
                () -> lowered.create(new NewUser("New", "new@example.com"), null));
        assertThat(full.reason()).isEqualTo("STORE_FULL");
        assertThat(full.metadata()).containsEntry("max_stored", "50");
        for (User user : stored.subList(0, 11)) {
            lowered.delete(user.id(), null);
        }
        assertThat(lowered.count()).isEqualTo(49);
        lowered.create(new NewUser("New", "new@example.com"), null);
        assertThat(catchThrowableOfType(DomainException.class,
                () -> lowered.create(new NewUser("Newer", "newer@example.com"), null)).reason()).isEqualTo("STORE_FULL");
        assertThat(lowered.count()).isEqualTo(50);
        assertEveryStripeWithinItsCap(50);
    }

    private static void assertEveryStripeWithinItsCap(int maxStored) {
        List<Long> stripes = jdbc.sql("SELECT stored FROM store_quota WHERE resource = 'users' ORDER BY stripe")
                .query(Long.class).list();
        assertThat(stripes).hasSize(StoreQuota.STRIPES);
        for (int i = 0; i < stripes.size(); i++) {
            long cap = maxStored / StoreQuota.STRIPES + (i < maxStored % StoreQuota.STRIPES ? 1 : 0);
            assertThat(stripes.get(i)).as("stripe " + i).isLessThanOrEqualTo(cap);
        }
    }

    private static DataSourceTransactionManager transactions() {
        return new DataSourceTransactionManager(postgres.dataSource());
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
