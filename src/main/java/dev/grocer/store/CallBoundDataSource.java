package dev.grocer.store;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.jdbc.datasource.DelegatingDataSource;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;

import dev.grocer.common.DomainException;

/**
 * The PostgreSQL store's {@code DataSource}: HikariCP's pool, used on behalf of the {@link CurrentCall} (docs/store.md,
 * "Deadlines and load"). Every connection the store takes is bounded by the call it serves:
 *
 * <ul>
 *   <li><b>No unbounded queue.</b> At most the pool's size plus {@code grocer.postgres.max-waiting-calls} connections
 *       are in use or waited for by calls at once; one more call is refused at once with RESOURCE_EXHAUSTED ({@code STORE_BUSY}),
 *       so a flood of calls cannot pile up waiters that would all time out anyway.
 *   <li><b>The deadline bounds the wait.</b> A call whose deadline is nearer than {@code grocer.postgres.min-time-left}
 *       fails DEADLINE_EXCEEDED ({@code DEADLINE_TOO_SHORT}) before touching the database; otherwise it waits for a
 *       connection at most until its deadline (and never longer than {@code spring.datasource.hikari.connection-timeout}).
 *   <li><b>Cancellation reaches PostgreSQL.</b> When the call ends early (the client cancels, or its deadline passes)
 *       the statement running on its connection is cancelled in PostgreSQL (the protocol's cancel request, what
 *       {@code Statement.cancel()} sends), so it stops holding locks and the connection goes back to the pool once
 *       the call's transaction rolls back. Statements the call would run afterwards fail at once.
 * </ul>
 *
 * <p>Hand-written because no pool or library ties a pool checkout and a running statement to the lifetime of the
 * caller's request: HikariCP offers a per-checkout timeout ({@link HikariPool#getConnection(long)}) but no bound on
 * its waiters; PostgreSQL's {@code statement_timeout} would cost a round trip per transaction and cannot follow a
 * client's cancel. Outside a call (start-up, health checks, the fulfilment poller) only the waiter bound applies.
 */
public final class CallBoundDataSource extends DelegatingDataSource implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(CallBoundDataSource.class);
    /** PostgreSQL's SQLSTATE for a cancelled statement, so that a statement refused after a cancel reads as one. */
    static final String QUERY_CANCELED = "57014";

    private final HikariDataSource pool;
    private final CurrentCall call;
    private final int maxWaiting;
    private final long minTimeLeftNanos;
    private final AtomicInteger taken = new AtomicInteger();
    /** Sends cancel requests: each opens a socket to PostgreSQL, which must not happen on a transport thread. */
    private final ExecutorService canceller = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "store-cancel");
        thread.setDaemon(true);
        return thread;
    });

    public CallBoundDataSource(HikariDataSource pool, CurrentCall call, PostgresProperties properties) {
        super(pool);
        this.pool = pool;
        this.call = call;
        this.maxWaiting = properties.maxWaitingCalls();
        this.minTimeLeftNanos = properties.minTimeLeft().toNanos();
    }

    /** Connections in use or waited for by calls right now. */
    public int taken() {
        return taken.get();
    }

    /** Set while the store works for no one call but for several ({@link BatchedLookups}). */
    private static final ThreadLocal<Boolean> OUTSIDE_THE_CALL = new ThreadLocal<>();

    /**
     * Runs {@code work} as the server's own work, not the current call's: its statements are not cancelled with the
     * call, nor bounded by its deadline, nor counted. For work done on behalf of several calls at once.
     */
    public static <T> T outsideTheCall(java.util.function.Supplier<T> work) {
        OUTSIDE_THE_CALL.set(Boolean.TRUE);
        try {
            return work.get();
        } finally {
            OUTSIDE_THE_CALL.remove();
        }
    }

    /**
     * Admits the current call to work that will use a connection on its behalf without taking one itself (a lookup
     * in a {@link BatchedLookups} batch): the same deadline check and waiting bound as {@link #getConnection()}.
     * Returns what ends the admission.
     */
    public Runnable admit() {
        checkTimeLeft(call.nanosLeft());
        if (!call.active()) {
            return () -> {};
        }
        countIn();
        return taken::decrementAndGet;
    }

    private void checkTimeLeft(long left) throws DomainException {
        if (left != CurrentCall.NO_DEADLINE && left < minTimeLeftNanos) {
            throw DomainException.deadlineTooShort(TimeUnit.NANOSECONDS.toMillis(Math.max(left, 0)),
                    TimeUnit.NANOSECONDS.toMillis(minTimeLeftNanos));
        }
    }

    private void countIn() {
        if (taken.incrementAndGet() > pool.getMaximumPoolSize() + maxWaiting) {
            taken.decrementAndGet();
            throw DomainException.storeBusy(pool.getMaximumPoolSize(), maxWaiting);
        }
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (OUTSIDE_THE_CALL.get() != null) {
            return pool.getConnection();
        }
        long left = call.nanosLeft();
        checkTimeLeft(left);
        if (call.isCancelled()) {
            throw cancelled();
        }
        boolean forACall = call.active();
        // Only calls are counted and refused. The server's own work (health checks, the fulfilment poller) is
        // little, and a readiness check refused under load would take a busy replica out of service.
        if (forACall) {
            countIn();
        }
        Connection connection;
        try {
            connection = borrow(left);
        } catch (SQLException | RuntimeException | Error e) {
            if (forACall) {
                taken.decrementAndGet();
            }
            throw e;
        }
        Lease lease = new Lease(connection, forACall);
        lease.stopListening = call.onCancel(() -> canceller.execute(lease::cancel));
        if (call.isCancelled()) { // ended while we waited for the pool: nobody is left to serve
            lease.close();
            throw cancelled();
        }
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, lease);
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLException("the store's pool has one set of credentials; use getConnection()");
    }

    /** Closes the pool with the data source (the wrapper is the bean Spring destroys). */
    @Override
    public void destroy() {
        canceller.shutdownNow();
        pool.close();
    }

    /** Waits for a pooled connection until the call's deadline at most, and never longer than the pool's timeout. */
    private Connection borrow(long nanosLeft) throws SQLException {
        if (nanosLeft != CurrentCall.NO_DEADLINE && pool.getHikariPoolMXBean() instanceof HikariPool hikari) {
            long millis = Math.min(pool.getConnectionTimeout(), Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanosLeft)));
            return hikari.getConnection(millis);
        }
        return pool.getConnection(); // the pool starts on its first checkout; start-up's migrations make that one
    }

    private static SQLException cancelled() {
        return new SQLException("the call this statement was for has been cancelled or its deadline has passed",
                QUERY_CANCELED);
    }

    /** One checkout: hands every method to HikariCP's connection, and cancels what runs on it if the call ends early. */
    private final class Lease implements InvocationHandler {

        private final Connection target;
        private final boolean counted;
        private Runnable stopListening = () -> {};
        private boolean closed;
        private boolean cancelled;

        Lease(Connection target, boolean counted) {
            this.target = target;
            this.counted = counted;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "close" -> {
                    close();
                    return null;
                }
                case "isClosed" -> {
                    synchronized (this) {
                        if (closed) {
                            return true;
                        }
                    }
                }
                case "equals" -> {
                    return proxy == args[0];
                }
                case "hashCode" -> {
                    return System.identityHashCode(proxy);
                }
                case "toString" -> {
                    return "CallBound(" + target + ")";
                }
                case "unwrap" -> {
                    if (((Class<?>) args[0]).isInstance(proxy)) {
                        return proxy;
                    }
                }
                case "isWrapperFor" -> {
                    if (((Class<?>) args[0]).isInstance(proxy)) {
                        return true;
                    }
                }
                case "createStatement", "prepareStatement", "prepareCall" -> {
                    synchronized (this) {
                        if (cancelled) {
                            throw cancelled();
                        }
                    }
                }
                default -> {
                    // handed on below
                }
            }
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }

        void close() throws SQLException {
            synchronized (this) { // after a cancel in progress: the connection goes back only once it has been sent
                if (closed) {
                    return;
                }
                closed = true;
            }
            stopListening.run();
            if (counted) {
                taken.decrementAndGet();
            }
            target.close();
        }

        /** Cancels what runs on the connection now; later statements of the call fail at once. */
        void cancel() {
            synchronized (this) {
                if (closed || cancelled) {
                    return;
                }
                cancelled = true;
                try {
                    target.unwrap(PGConnection.class).cancelQuery();
                } catch (SQLException | RuntimeException e) {
                    log.debug("Could not cancel the statement of a call that ended", e);
                }
            }
        }
    }
}
