package dev.grocer.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import javax.sql.DataSource;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * PostgreSQL's LISTEN/NOTIFY as the one channel between replicas (docs/store.md, "Replicas"): chat messages and
 * order changes sent by any replica reach the listeners of every replica, this one included.
 *
 * <p>What PostgreSQL guarantees, and grocer relies on: a notification is delivered only if the transaction
 * that sent it commits, at its commit; every listener receives the notifications of all transactions in the
 * order they committed. So a change and its notification are one atomic write, and every replica sees one
 * order of events.
 *
 * <p>Listening holds one connection of its own, outside the pool, for as long as the server runs; one thread
 * reads it and calls the listeners, one notification at a time. If that connection breaks, notifications
 * sent meanwhile are lost to this replica: listeners are told (their {@code missed} runs) so they can end
 * the streams that may have missed something, the {@code replicaEvents} health component is DOWN (and with
 * it readiness) until it is listening again, and it reconnects with a growing pause.
 */
@Component("replicaEvents")
@ConditionalOnProperty(name = StoreEnvironmentPostProcessor.STORE, havingValue = "postgres")
public class PostgresNotifications implements SmartLifecycle, HealthIndicator {

    /**
     * The largest payload PostgreSQL takes in one notification (the server's limit is 8000 bytes; a little is
     * kept for the channel name).
     */
    public static final int MAX_PAYLOAD_BYTES = 7900;

    /**
     * The field a notification's JSON object gains when its sender traces (a W3C {@code traceparent}), so that the
     * delivery on every replica joins the trace of the write; replicas that do not know it ignore it.
     */
    static final String TRACE_FIELD = "traceparent";

    /**
     * One channel's listener, called on the listening thread (so it must not block for long): {@code received}
     * with each notification's payload, {@code missed} when notifications may have been lost (the listening
     * connection broke and has just been restored).
     */
    private record Listener(Consumer<String> received, Runnable missed) {}

    private static final Logger log = LoggerFactory.getLogger(PostgresNotifications.class);
    /** How the listening connection shows in {@code pg_stat_activity}. */
    public static final String APPLICATION_NAME = "grocer-replica-events";
    private static final int POLL_MILLIS = 500;
    private static final int VALIDATE_EVERY_POLLS = 20;

    private final DataSourceProperties connection;
    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final NotificationTracing tracing;
    private final Map<String, List<Listener>> listeners = new ConcurrentHashMap<>();
    private volatile boolean running;
    private volatile boolean listening;
    private volatile String lastError;
    private volatile Connection current;
    private Thread thread;

    @Autowired
    public PostgresNotifications(DataSourceProperties connection, DataSource dataSource, ObjectMapper json,
            ObjectProvider<NotificationTracing> tracing) {
        this(connection, dataSource, json, tracing.getIfAvailable(() -> NotificationTracing.NONE));
    }

    public PostgresNotifications(DataSourceProperties connection, DataSource dataSource, ObjectMapper json) {
        this(connection, dataSource, json, NotificationTracing.NONE);
    }

    PostgresNotifications(DataSourceProperties connection, DataSource dataSource, ObjectMapper json,
            NotificationTracing tracing) {
        this.connection = connection;
        this.jdbc = JdbcClient.create(dataSource);
        this.json = json;
        this.tracing = tracing;
    }

    /**
     * Calls {@code received} with every notification on {@code channel} from now on, read from JSON as
     * {@code type}, and {@code missed} when some may have been lost. Components register while the application
     * starts, before this listens; a later registration LISTENs at once.
     */
    public <T> void listen(String channel, Class<T> type, Consumer<T> received, Runnable missed) {
        listen(channel, new Listener(payload -> {
            JsonNode tree = read(payload, JsonNode.class, channel);
            JsonNode trace = tree instanceof ObjectNode object ? object.remove(TRACE_FIELD) : null;
            String carried = trace != null && trace.isString() ? trace.stringValue() : null;
            T message = convert(tree, type, channel);
            tracing.deliver(channel, carried, () -> received.accept(message));
        }, missed));
    }

    private void listen(String channel, Listener listener) {
        requireChannelName(channel);
        listeners.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>()).add(listener);
        Connection connection = current;
        if (running && connection != null) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("LISTEN " + channel);
            } catch (SQLException e) {
                // The listening thread reconnects, and then listens on every registered channel.
                log.debug("LISTEN {} failed; it is repeated on reconnection", channel, e);
            }
        }
    }

    /**
     * Sends {@code message}, as JSON, on {@code channel}. Inside a Spring-managed transaction it is part of that
     * transaction (sent at commit, never if it rolls back); outside one, it is sent at once.
     *
     * @throws IllegalArgumentException if the payload is over {@link #MAX_PAYLOAD_BYTES} in UTF-8
     */
    public void send(String channel, Object message) {
        requireChannelName(channel);
        String payload;
        try {
            String trace = tracing.capture();
            if (trace == null) {
                payload = json.writeValueAsString(message);
            } else {
                JsonNode tree = json.valueToTree(message);
                if (!(tree instanceof ObjectNode object) || object.has(TRACE_FIELD)) {
                    throw new IllegalArgumentException("a notification is a JSON object without a \"" + TRACE_FIELD
                            + "\" field of its own");
                }
                object.put(TRACE_FIELD, trace);
                payload = json.writeValueAsString(object);
            }
        } catch (JacksonException e) {
            throw new IllegalArgumentException("cannot write a " + message.getClass().getSimpleName() + " as JSON", e);
        }
        int bytes = payload.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (bytes > MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("notification payload of " + bytes + " bytes is over the "
                    + MAX_PAYLOAD_BYTES + " PostgreSQL takes");
        }
        jdbc.sql("SELECT pg_notify(?, ?)").param(channel).param(payload).query((rs, n) -> null).list();
    }

    /** Whether the listening connection is up. */
    public boolean isListening() {
        return listening;
    }

    @Override
    public Health health() {
        if (listening) {
            return Health.up().withDetail("channels", List.copyOf(listeners.keySet())).build();
        }
        return Health.down().withDetail("error", lastError == null ? "not listening yet" : lastError).build();
    }

    /** Listens before the gRPC server takes calls: the first connection fails start-up if it cannot be made. */
    @Override
    public void start() {
        Connection first;
        try {
            first = connectAndListen();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot LISTEN on PostgreSQL for replica events: " + e.getMessage(), e);
        }
        running = true;
        thread = new Thread(() -> run(first), "replica-events");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void stop() {
        running = false;
        closeQuietly(current);
        if (thread != null) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        listening = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Before the gRPC server (whose lifecycle runs at the highest phases) starts, after it stops. */
    @Override
    public int getPhase() {
        return 0;
    }

    private void run(Connection first) {
        Connection connection = first;
        long pauseMillis = 100;
        while (running) {
            try {
                if (connection == null) {
                    connection = connectAndListen();
                    pauseMillis = 100;
                    log.info("Listening for replica events again; streams that may have missed some are ended");
                    listeners.values().forEach(list -> list.forEach(listener -> listener.missed().run()));
                }
                poll(connection);
            } catch (SQLException | RuntimeException e) {
                listening = false;
                closeQuietly(connection);
                connection = null;
                if (!running) {
                    break;
                }
                lastError = e.getMessage();
                log.warn("Lost the PostgreSQL connection that listens for replica events ({}); retrying in {} ms",
                        e.getMessage(), pauseMillis);
                try {
                    Thread.sleep(pauseMillis);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    break;
                }
                pauseMillis = Math.min(pauseMillis * 2, 5_000);
            }
        }
        closeQuietly(connection);
    }

    // Reads notifications until the connection fails or the server stops.
    private void poll(Connection connection) throws SQLException {
        PGConnection pg = connection.unwrap(PGConnection.class);
        int quietPolls = 0;
        while (running) {
            PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
            if (notifications == null || notifications.length == 0) {
                // A silent network loss would never fail the read: check the connection now and then.
                if (++quietPolls >= VALIDATE_EVERY_POLLS) {
                    quietPolls = 0;
                    if (!connection.isValid(2)) {
                        throw new SQLException("the listening connection is no longer valid");
                    }
                }
                continue;
            }
            for (PGNotification notification : notifications) {
                deliver(notification.getName(), notification.getParameter());
            }
        }
    }

    private void deliver(String channel, String payload) {
        for (Listener listener : listeners.getOrDefault(channel, List.of())) {
            try {
                listener.received().accept(payload);
            } catch (RuntimeException e) {
                log.warn("A listener of {} failed on a notification; it is skipped", channel, e);
            }
        }
    }

    private Connection connectAndListen() throws SQLException {
        Properties settings = new Properties();
        settings.setProperty("ApplicationName", APPLICATION_NAME);
        if (this.connection.determineUsername() != null) {
            settings.setProperty("user", this.connection.determineUsername());
        }
        if (this.connection.determinePassword() != null) {
            settings.setProperty("password", this.connection.determinePassword());
        }
        Connection connection = DriverManager.getConnection(this.connection.determineUrl(), settings);
        try (Statement statement = connection.createStatement()) {
            for (String channel : listeners.keySet()) {
                statement.execute("LISTEN " + channel);
            }
        } catch (SQLException e) {
            closeQuietly(connection);
            throw e;
        }
        current = connection;
        listening = true;
        lastError = null;
        return connection;
    }

    private <T> T convert(JsonNode tree, Class<T> type, String channel) {
        try {
            return json.treeToValue(tree, type);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not a notification of " + channel + ": " + e.getOriginalMessage(), e);
        }
    }

    private <T> T read(String payload, Class<T> type, String channel) {
        try {
            return json.readValue(payload, type);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not a notification of " + channel + ": " + e.getOriginalMessage(), e);
        }
    }

    private static void requireChannelName(String channel) {
        if (!channel.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("not a plain channel name: " + channel);
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // already broken
            }
        }
    }
}
