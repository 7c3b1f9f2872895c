package dev.grocer.bench;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import dev.grocer.common.TimeOrderedIds;

/**
 * The benchmark's anchor for the PostgreSQL store ("bare JDBC"), as {@link BareServer} is for the gRPC
 * layer: the statements a user read and a user create need, run straight through JDBC and a HikariCP pool
 * from plain Java threads, with no gRPC, Spring or grocer in between. It runs in a process of its own so
 * that its CPU time is measured as grocer's is (the whole process, from /proc), and the bench drives it
 * through its standard input, one line per measured run:
 *
 * <pre>
 *   get N MILLIS      N threads, each running GetUser's statement in a loop for MILLIS ms
 *   create N MILLIS   N threads, each inserting one new user per iteration
 *   quit
 * </pre>
 *
 * answering each with one line on standard output: {@code result CALLS ERRORS NANOS ACQUIRES ACQUIRE_NANOS
 * HISTOGRAM} (latencies in ns as a compressed, Base64 HdrHistogram). Each thread is one call in flight, as
 * the load generator keeps N gRPC calls outstanding; every iteration borrows a connection from the pool and
 * returns it, as grocer does for every call.
 *
 * <p>The statements:
 * <ul>
 *   <li>get: {@code SELECT id, display_name, email, create_time, update_time, version FROM users WHERE id = ?}
 *       over the ids in the file it is given (the users the bench stored through grocer), in turn, every
 *       column read; autocommit, as grocer's read;
 *   <li>create: {@code INSERT INTO users (id, display_name, email, create_time, update_time, version)
 *       VALUES (?, ?, ?, ?, ?, nextval('user_versions'))} in autocommit: one statement, one round trip and
 *       one commit (waiting for its WAL flush) per user; a time-ordered id (the same UUIDv7 form as grocer's,
 *       so the primary key's inserts land where grocer's do), a new email every call. It is the least a
 *       correct one-row insert into grocer's schema needs, whatever grocer does around it (a limit on
 *       stored users, request ids).
 * </ul>
 *
 * Run as {@code BareJdbc JDBC_URL USERNAME POOL_SIZE IDS_FILE}.
 */
public final class BareJdbc {

    static final String GET = "SELECT id, display_name, email, create_time, update_time, version FROM users WHERE id = ?";
    static final String CREATE = "INSERT INTO users (id, display_name, email, create_time, update_time, version) "
            + "VALUES (?, ?, ?, ?, ?, nextval('user_versions'))";

    private final HikariDataSource pool;
    private final List<String> ids;
    private final TimeOrderedIds newIds = new TimeOrderedIds(Clock.systemUTC());
    private final AtomicLong emails = new AtomicLong();
    private final AtomicInteger nextId = new AtomicInteger();
    private final AtomicInteger reported = new AtomicInteger();

    private BareJdbc(HikariDataSource pool, List<String> ids) {
        this.pool = pool;
        this.ids = ids;
    }

    public static void main(String[] args) throws Exception {
        // Standard output carries the answers; whatever logs (HikariCP, through the test class path's logback)
        // goes to standard error, the log file.
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err);
        HikariConfig config = new HikariConfig();
        config.setPoolName("bare-jdbc");
        config.setJdbcUrl(args[0]);
        config.setUsername(args[1]);
        config.setMaximumPoolSize(Integer.parseInt(args[2]));
        config.setConnectionTimeout(5000); // grocer's spring.datasource.hikari.connection-timeout
        List<String> ids = Files.readAllLines(Path.of(args[3]));
        try (HikariDataSource pool = new HikariDataSource(config)) {
            BareJdbc bare = new BareJdbc(pool, ids);
            out.println("ready " + pool.getMaximumPoolSize());
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null && !line.equals("quit"); line = in.readLine()) {
                String[] command = line.split(" ");
                out.println(bare.run(command[0], Integer.parseInt(command[1]), Long.parseLong(command[2])));
            }
        }
        System.exit(0);
    }

    /** One run: {@code threads} threads for {@code millis}, each one call in flight at a time. */
    private String run(String operation, int threads, long millis) throws InterruptedException {
        Call call = switch (operation) {
            case "get" -> this::get;
            case "create" -> this::create;
            default -> throw new IllegalArgumentException("no operation " + operation);
        };
        Recorder recorder = new Recorder(TimeUnit.SECONDS.toNanos(60), 3);
        LongAdder calls = new LongAdder();
        LongAdder errors = new LongAdder();
        LongAdder acquires = new LongAdder();
        LongAdder acquireNanos = new LongAdder();
        long start = System.nanoTime();
        long end = start + TimeUnit.MILLISECONDS.toNanos(millis);
        List<Thread> running = new ArrayList<>(threads);
        for (int i = 0; i < threads; i++) {
            Thread thread = new Thread(() -> {
                for (long begun = System.nanoTime(); begun < end; begun = System.nanoTime()) {
                    try (Connection connection = pool.getConnection()) {
                        acquireNanos.add(System.nanoTime() - begun);
                        acquires.increment();
                        call.run(connection);
                        // Returning the connection to the pool is part of the call, as in grocer.
                    } catch (SQLException | RuntimeException e) {
                        errors.increment();
                        if (reported.incrementAndGet() <= 10) {
                            e.printStackTrace();
                        }
                        continue;
                    }
                    recorder.recordValue(System.nanoTime() - begun);
                    calls.increment();
                }
            }, "bare-jdbc-" + i);
            thread.start();
            running.add(thread);
        }
        for (Thread thread : running) {
            thread.join();
        }
        long nanos = System.nanoTime() - start;
        Histogram latencies = recorder.getIntervalHistogram();
        ByteBuffer buffer = ByteBuffer.allocate(latencies.getNeededByteBufferCapacity());
        int length = latencies.encodeIntoCompressedByteBuffer(buffer);
        byte[] encoded = new byte[length];
        buffer.flip();
        buffer.get(encoded);
        return "result " + calls.sum() + " " + errors.sum() + " " + nanos + " " + acquires.sum() + " "
                + acquireNanos.sum() + " " + Base64.getEncoder().encodeToString(encoded);
    }

    private interface Call {
        void run(Connection connection) throws SQLException;
    }

    /** GetUser's statement, every column read, as grocer maps the row to a user. */
    private void get(Connection connection) throws SQLException {
        String id = ids.get(Math.floorMod(nextId.getAndIncrement(), ids.size()));
        try (PreparedStatement statement = connection.prepareStatement(GET)) {
            statement.setString(1, id);
            try (ResultSet rs = statement.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("no user " + id);
                }
                Row row = new Row(rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getObject(4, OffsetDateTime.class), rs.getObject(5, OffsetDateTime.class), rs.getLong(6));
                if (!row.id().equals(id)) {
                    throw new SQLException("asked for " + id + ", got " + row.id());
                }
            }
        }
    }

    private record Row(String id, String displayName, String email, OffsetDateTime createTime,
            OffsetDateTime updateTime, long version) {}

    /** One new user in one autocommitted INSERT, its version from the sequence inside it. */
    private void create(Connection connection) throws SQLException {
        OffsetDateTime now = Instant.now().truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
        try (PreparedStatement statement = connection.prepareStatement(CREATE)) {
            statement.setString(1, newIds.next());
            statement.setString(2, "New User");
            statement.setString(3, "bare-jdbc-" + emails.incrementAndGet() + "@bench.example.com");
            statement.setObject(4, now);
            statement.setObject(5, now);
            if (statement.executeUpdate() != 1) {
                throw new SQLException("the INSERT stored no row");
            }
        }
    }
}
