package dev.grocer.testing;

import java.util.ArrayList;
import java.util.List;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;

/**
 * Two grocer servers on one PostgreSQL database, as two replicas of one service: an embedded PostgreSQL, an
 * empty database that the first server migrates, both servers on free loopback ports, and a plaintext channel
 * to each. One per test class: start it in {@code @BeforeAll}, close it in {@code @AfterAll}.
 */
public final class TestReplicas implements AutoCloseable {

    private final TestPostgres postgres;
    private final String database;
    private final List<TestServer> servers = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();

    private TestReplicas(TestPostgres postgres, String database) {
        this.postgres = postgres;
        this.database = database;
    }

    /** Starts the database and two servers with {@code --grocer.store=postgres} and {@code settings}. */
    public static TestReplicas start(String database, String... settings) {
        TestPostgres postgres = TestPostgres.start();
        TestReplicas replicas = new TestReplicas(postgres, database);
        try {
            List<String> args = new ArrayList<>(List.of("--grocer.store=postgres",
                    "--spring.datasource.url=" + postgres.createDatabase(database),
                    "--spring.datasource.username=" + postgres.username()));
            args.addAll(List.of(settings));
            for (int i = 0; i < 2; i++) {
                TestServer server = TestServer.start(args.toArray(String[]::new));
                replicas.servers.add(server);
                replicas.channels.add(ManagedChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext()
                        .build());
            }
            return replicas;
        } catch (RuntimeException e) {
            replicas.close();
            throw e;
        }
    }

    /** Replica 0 or 1. */
    public TestServer server(int replica) {
        return servers.get(replica);
    }

    /** A channel to replica 0 or 1. */
    public ManagedChannel channel(int replica) {
        return channels.get(replica);
    }

    /** The PostgreSQL server, whose {@link TestPostgres#dataSource()} is on its own {@code postgres} database. */
    public TestPostgres postgres() {
        return postgres;
    }

    /** The name of the database the replicas share. */
    public String database() {
        return database;
    }

    @Override
    public void close() {
        channels.forEach(ManagedChannel::shutdownNow);
        servers.forEach(TestServer::close);
        try {
            postgres.close();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
