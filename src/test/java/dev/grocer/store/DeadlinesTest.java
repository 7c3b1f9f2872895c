package dev.grocer.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.google.protobuf.FieldMask;

import dev.grocer.testing.RpcError;
import dev.grocer.testing.TestPostgres;
import dev.grocer.testing.TestServer;
import dev.grocer.user.v1.CreateUserRequest;
import dev.grocer.user.v1.GetUserRequest;
import dev.grocer.user.v1.UpdateUserRequest;
import dev.grocer.user.v1.User;
import dev.grocer.user.v1.UserServiceGrpc;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * Deadlines, cancellation and load reach PostgreSQL ({@link CallBoundDataSource}, docs/store.md, "Deadlines and
 * load"): the whole application on a real PostgreSQL, with a small pool (2 connections, 1 call may wait), while the
 * test holds a user's row lock from a connection of its own, so that an UpdateUser waits in PostgreSQL for as long as
 * the test likes.
 */
class DeadlinesTest {

    private static final int POOL_SIZE = 2;
    private static final int MAX_WAITING = 1;

    private static TestPostgres postgres;
    private static String url;
    private static TestServer server;
    private static ManagedChannel channel;
    private static UserServiceGrpc.UserServiceBlockingStub users;

    private User user;
    private Connection locker;
    private final List<CompletableFuture<?>> pending = new ArrayList<>();
    /** A thread per blocking call the test makes in the background (the common pool may have just one). */
    private final ExecutorService clients = Executors.newCachedThreadPool();

    @BeforeAll
    static void start() {
        postgres = TestPostgres.start();
        url = postgres.createDatabase("grocer");
        server = TestServer.start("--grocer.store=postgres", "--spring.datasource.url=" + url,
                "--spring.datasource.username=" + postgres.username(), "--grocer.orders.fulfilment.enabled=false",
                "--spring.datasource.hikari.maximum-pool-size=" + POOL_SIZE,
                "--spring.datasource.hikari.minimum-idle=" + POOL_SIZE,
                "--grocer.postgres.max-waiting-calls=" + MAX_WAITING, "--grocer.postgres.min-time-left=1s");
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
        users = UserServiceGrpc.newBlockingStub(channel);
    }

    @AfterAll
    static void stop() throws Exception {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
        }
        postgres.close();
    }

    @BeforeEach
    void createAUser() {
        user = users.createUser(CreateUserRequest.newBuilder()
                .setUser(User.newBuilder().setDisplayName("Ada").setEmail("ada-" + System.nanoTime() + "@example.com"))
                .build());
    }

    @AfterEach
    void releaseTheLock() throws Exception {
        if (locker != null) {
            locker.rollback();
            locker.close();
            locker = null;
        }
        for (CompletableFuture<?> call : pending) {
            call.handle((result, error) -> null).get(30, TimeUnit.SECONDS);
        }
        clients.shutdown();
        await().atMost(Duration.ofSeconds(30)).until(() -> dataSource().taken() == 0);
    }

    @Test
    void anUpdateWaitingOnARowLock_endsDeadlineExceededAtItsDeadline_andPostgresStopsRunningIt() throws Exception {
        lockTheUsersRow();
        CompletableFuture<User> update = inBackground(() -> users.withDeadlineAfter(3, TimeUnit.SECONDS)
                .updateUser(rename(user, "Grace")));
        await().atMost(Duration.ofSeconds(30)).until(() -> sessionsWaitingForALock() == 1);

        Throwable failure = failureOf(update);
        assertThat(Status.fromThrowable(failure).getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);

        // The statement was cancelled in PostgreSQL, not left to wait for the lock, and its connection is back.
        await().atMost(Duration.ofSeconds(10)).until(() -> sessionsWaitingForALock() == 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> dataSource().taken() == 0);
        releaseTheLockNow();
        assertThat(users.getUser(GetUserRequest.newBuilder().setId(user.getId()).build())).isEqualTo(user);
    }

    @Test
    void anUpdateWaitingOnARowLock_thatTheClientCancels_isCancelledInPostgres_andChangesNothing() throws Exception {
        lockTheUsersRow();
        Context.CancellableContext call = Context.current().withCancellation();
        CompletableFuture<User> update = inBackground(() -> {
            Context previous = call.attach();
            try {
                return users.updateUser(rename(user, "Grace"));
            } finally {
                call.detach(previous);
            }
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> sessionsWaitingForALock() == 1);

        call.cancel(null);
        assertThat(Status.fromThrowable(failureOf(update)).getCode()).isEqualTo(Status.Code.CANCELLED);

        await().atMost(Duration.ofSeconds(10)).until(() -> sessionsWaitingForALock() == 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> dataSource().taken() == 0);
        releaseTheLockNow();
        assertThat(users.getUser(GetUserRequest.newBuilder().setId(user.getId()).build())).isEqualTo(user);
    }

    @Test
    void aCallWithLessTimeLeftThanTheStoreNeeds_failsDeadlineExceededAtOnce_andCreatesNothing() {
        String email = "late-" + System.nanoTime() + "@example.com";
        RpcError error = RpcError.of(() -> users.withDeadlineAfter(500, TimeUnit.MILLISECONDS).createUser(
                CreateUserRequest.newBuilder().setUser(User.newBuilder().setDisplayName("Late").setEmail(email))
                        .build()));

        assertThat(error.code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat(error.errorInfo().getReason()).isEqualTo("DEADLINE_TOO_SHORT");
        assertThat(error.errorInfo().getDomain()).isEqualTo("grocer");
        assertThat(error.errorInfo().getMetadataMap()).containsEntry("min_time_left_ms", "1000")
                .containsOnlyKeys("min_time_left_ms", "time_left_ms");
        assertThat(Long.parseLong(error.errorInfo().getMetadataOrThrow("time_left_ms"))).isBetween(0L, 500L);
        assertThat(error.message()).startsWith("the call's deadline leaves ")
                .endsWith(" ms, less than the 1000 ms the store needs; nothing was done; retry with a longer deadline");
        assertThat(usersWithEmail(email)).isZero();
    }

    private static long usersWithEmail(String email) {
        try {
            return count("SELECT count(*) FROM users WHERE email = '" + email + "'");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void whenEveryConnectionIsInUseAndAsManyCallsWaitAsMay_theNextCallIsRefusedAtOnce_withStoreBusy()
            throws Exception {
        lockTheUsersRow();
        // Two updates hold the pool's two connections, waiting for the lock; a third waits for a connection.
        for (int i = 0; i < POOL_SIZE + MAX_WAITING; i++) {
            String name = "Grace " + i;
            inBackground(() -> users.withDeadlineAfter(60, TimeUnit.SECONDS).updateUser(rename(user, name)));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> sessionsWaitingForALock() == POOL_SIZE
                && dataSource().taken() == POOL_SIZE + MAX_WAITING);

        RpcError busy = RpcError.of(() -> users.withDeadlineAfter(60, TimeUnit.SECONDS)
                .getUser(GetUserRequest.newBuilder().setId(user.getId()).build()));

        assertThat(busy.code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(busy.errorInfo().getReason()).isEqualTo("STORE_BUSY");
        assertThat(busy.errorInfo().getMetadataMap())
                .isEqualTo(Map.of("pool_size", "2", "max_waiting_calls", "1"));
        assertThat(busy.message()).isEqualTo(
                "the store is busy: all 2 connections are in use and 1 calls are waiting for one; retry with backoff");

        // Once the lock goes, the queued calls are served: nothing was lost, the last rename wins.
        releaseTheLockNow();
        for (CompletableFuture<?> call : pending) {
            assertThat(call.get(30, TimeUnit.SECONDS)).isInstanceOf(User.class);
        }
        assertThat(users.getUser(GetUserRequest.newBuilder().setId(user.getId()).build()).getDisplayName())
                .startsWith("Grace ");
    }

    private static UpdateUserRequest rename(User user, String name) {
        return UpdateUserRequest.newBuilder().setUser(User.newBuilder().setId(user.getId()).setDisplayName(name))
                .setUpdateMask(FieldMask.newBuilder().addPaths("display_name")).build();
    }

    private <T> CompletableFuture<T> inBackground(java.util.function.Supplier<T> call) {
        CompletableFuture<T> future = CompletableFuture.supplyAsync(call, clients);
        pending.add(future);
        return future;
    }

    private static Throwable failureOf(CompletableFuture<?> call) throws Exception {
        try {
            call.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(StatusRuntimeException.class);
            return e.getCause();
        }
        throw new AssertionError("the call should have failed");
    }

    /** Takes the user's row lock from a connection of the test's own, held until the test releases it. */
    private void lockTheUsersRow() throws SQLException {
        locker = DriverManager.getConnection(url, postgres.username(), "");
        locker.setAutoCommit(false);
        try (PreparedStatement lock = locker.prepareStatement("SELECT 1 FROM users WHERE id = ? FOR UPDATE")) {
            lock.setString(1, user.getId());
            lock.executeQuery().close();
        }
    }

    private void releaseTheLockNow() throws SQLException {
        locker.rollback();
        locker.close();
        locker = null;
    }

    /** grocer's sessions waiting for a lock in PostgreSQL (the test's own holds it, and waits for nothing). */
    private static long sessionsWaitingForALock() throws SQLException {
        return count("SELECT count(*) FROM pg_stat_activity WHERE datname = 'grocer' AND wait_event_type = 'Lock'");
    }

    private static long count(String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url, postgres.username(), "");
                ResultSet rows = connection.createStatement().executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static CallBoundDataSource dataSource() {
        try {
            // The DataSource bean is CallBoundDataSource, wrapped once more by tracing's statement spans.
            return server.context().getBean(javax.sql.DataSource.class).unwrap(CallBoundDataSource.class);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
