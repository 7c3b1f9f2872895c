package dev.grocer.bench;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import org.HdrHistogram.Histogram;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.type.Money;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import dev.grocer.greeter.v1.GreeterServiceGrpc;
import dev.grocer.greeter.v1.SayHelloRequest;
import dev.grocer.order.v1.Address;
import dev.grocer.order.v1.ListOrdersRequest;
import dev.grocer.order.v1.Order;
import dev.grocer.order.v1.OrderItem;
import dev.grocer.order.v1.OrderServiceGrpc;
import dev.grocer.order.v1.RegisterOrderRequest;
import dev.grocer.testing.OtlpReceiver;
import dev.grocer.user.v1.CreateUserRequest;
import dev.grocer.user.v1.CreateUsersResponse;
import dev.grocer.user.v1.GetUserRequest;
import dev.grocer.user.v1.ListUsersRequest;
import dev.grocer.user.v1.User;
import dev.grocer.user.v1.UserServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;

/**
 * grocer against bare grpc-java, side by side, in one run: start-up time, unary throughput and latency,
 * server and client streaming, memory per user, and the cost of a read with 1,000 and 1,000,000
 * records stored; then grocer with its users in memory, grocer with them in PostgreSQL and the same
 * statements through bare JDBC ({@link BareJdbc}) on the same database (GetUser and CreateUser, at several
 * concurrencies); then the cost of tracing: grocer with tracing off, on at probability 0, and on at probability 1.0
 * exporting to an OTLP/HTTP receiver in this process, beside bare grpc-java. A/B rounds alternate (the tracing
 * phase's four sides turn) so drift of the machine falls on every side. Prints a table and writes
 * it as JSON under target/bench. Run it with {@code ./mvnw -Pbench verify} (settings: docs/performance.md).
 */
public final class Bench {

    private final Path target = Path.of(System.getProperty("bench.target", "target"));
    private final Path jar = ServerProcess.grocerJar(target);
    private final Path out = target.resolve("bench");
    private final Duration warmup = Duration.parse("PT" + System.getProperty("bench.warmup", "3s"));
    private final Duration duration = Duration.parse("PT" + System.getProperty("bench.duration", "10s"));
    private final int rounds = Integer.getInteger("bench.rounds", 3);
    private final int connections = Integer.getInteger("bench.connections", 4);
    private final int inFlight = Integer.getInteger("bench.inflight", 32);
    private final int starts = Integer.getInteger("bench.starts", 5);
    private final int streamUsers = Integer.getInteger("bench.streamUsers", 100_000);
    private final int scale = Integer.getInteger("bench.scale", 1_000_000);
    private final List<String> phases = List.of(
            System.getProperty("bench.phases", "startup,unary,scale,postgres,tracing,http").split(","));
    private final int storeUsers = Integer.getInteger("bench.storeUsers", 10_000);
    private final boolean pgDiagnose = Boolean.getBoolean("bench.pgDiagnose");
    /** The postgres phase's points: calls in flight, and rounds of how long at each, per side. */
    private final List<Integer> pgLevels = Arrays.stream(System.getProperty("bench.pgInflight", "1,16,64,128")
            .split(",")).map(String::trim).map(Integer::valueOf).toList();
    private final int pgRounds = Integer.getInteger("bench.pgRounds", 2);
    private final Duration pgDuration = Duration.parse("PT" + System.getProperty("bench.pgDuration", "8s"));
    private final List<String> jvm = Arrays.stream(System.getProperty("bench.jvm", "").split(" "))
            .filter(s -> !s.isBlank()).toList();
    private final Map<String, Object> results = new LinkedHashMap<>();
    private final Map<String, Object> storeResults = new LinkedHashMap<>();
    private final Map<String, Object> tracingResults = new LinkedHashMap<>();
    private final Map<String, Object> httpResults = new LinkedHashMap<>();
    private final List<Row> table = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    /** The emails of CreateUser calls: every call a new one, whichever grocer it goes to. */
    private final AtomicLong emails = new AtomicLong();
    private ServerProcess grocerServer;
    private ServerProcess bareServer;
    private long grocerLiveIdle;
    private long bareLiveIdle;

    public static void main(String[] args) throws Exception {
        new Bench().run();
        System.exit(0); // the load generator's channels use non-daemon threads
    }

    private void run() throws Exception {
        Files.createDirectories(out);
        results.put("time", Instant.now().toString());
        results.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(),
                "java", System.getProperty("java.version")));
        results.put("settings", Map.of("warmup", warmup.toString(), "duration", duration.toString(), "rounds", rounds,
                "connections", connections, "inFlight", inFlight, "jvmOptions", jvm));
        if (phases.contains("startup")) {
            startUp();
        }
        if (phases.contains("unary") || phases.contains("scale")) {
            grocerAndBare();
        }
        if (phases.contains("postgres")) {
            results.put("postgres", storeResults);
            postgresPhase();
        }
        if (phases.contains("tracing")) {
            results.put("tracing", tracingResults);
            tracingPhase();
        }
        if (phases.contains("http")) {
            results.put("http", httpResults);
            httpPhase();
        }
        print();
        ObjectMapper json = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
        Path file = out.resolve("results.json");
        json.writeValue(file.toFile(), results);
        System.out.println("\nresults written to " + file);
    }

    private void grocerAndBare() throws Exception {
        try (ServerProcess grocer = ServerProcess.start(ServerProcess.Kind.GROCER, jar, jvm, out.resolve("grocer.log"));
                ServerProcess bare = ServerProcess.start(ServerProcess.Kind.BARE, jar, jvm, out.resolve("bare.log"));
                LoadGenerator toGrocer = new LoadGenerator(grocer.port(), connections);
                LoadGenerator toBare = new LoadGenerator(bare.port(), connections);
                LoadGenerator oneGrocer = new LoadGenerator(grocer.port(), 1);
                LoadGenerator oneBare = new LoadGenerator(bare.port(), 1)) {
            grocerServer = grocer;
            bareServer = bare;
            long grocerIdle = grocer.residentBytes();
            long bareIdle = bare.residentBytes();
            record("memory.afterStart", grocerIdle / 1e6, bareIdle / 1e6, "MB resident after start");
            grocerLiveIdle = grocer.liveHeapBytes();
            bareLiveIdle = bare.liveHeapBytes();
            List<String> grocerIds = createUsers(toGrocer.channels().get(0), 1_000, "small").ids();
            List<String> bareIds = createUsers(toBare.channels().get(0), 1_000, "small").ids();

            // JIT-compile both servers' call paths before any measured round; grocer's path is longer.
            for (int i = 0; i < 3; i++) {
                toGrocer.run(ch -> sayHello(ch), inFlight, warmup);
                toBare.run(ch -> sayHello(ch), inFlight, warmup);
                toGrocer.run(getUser(grocerIds), inFlight, warmup);
                toBare.run(getUser(bareIds), inFlight, warmup);
            }
            if (phases.contains("unary")) {
                unaryPhase(toGrocer, toBare, oneGrocer, oneBare, grocerIds, bareIds);
            }
            if (phases.contains("scale")) {
                scalePhase(grocer, bare, toGrocer, toBare, grocerIds, bareIds, grocerIdle, bareIdle);
            }
        }
    }

    private void unaryPhase(LoadGenerator toGrocer, LoadGenerator toBare, LoadGenerator oneGrocer,
            LoadGenerator oneBare, List<String> grocerIds, List<String> bareIds) throws InterruptedException {
        unary("SayHello " + connections + "x" + inFlight, toGrocer, toBare, inFlight, ch -> sayHello(ch));
        unary("GetUser " + connections + "x" + inFlight + " (1k users)", toGrocer, toBare, inFlight,
                getUser(grocerIds), getUser(bareIds));
        unary("SayHello 1x1 (latency)", oneGrocer, oneBare, 1, ch -> sayHello(ch));

        ordersPage(toGrocer, grocerIds.get(0), "1k", 1_000);
    }

    private void scalePhase(ServerProcess grocer, ServerProcess bare, LoadGenerator toGrocer, LoadGenerator toBare,
            List<String> grocerIds, List<String> bareIds, long grocerIdle, long bareIdle) throws Exception {
        Populated grocerBig = createUsers(toGrocer.channels().get(0), streamUsers, "stream");
        Populated bareBig = createUsers(toBare.channels().get(0), streamUsers, "stream");
        record("CreateUsers (client stream) users/s", grocerBig.perSecond(), bareBig.perSecond(), "users/s");
        listUsers(toGrocer.channels().get(0), toBare.channels().get(0));

        Populated grocerScale = createUsers(toGrocer.channels().get(0), scale - streamUsers - 1_000, "scale");
        Populated bareScale = createUsers(toBare.channels().get(0), scale - streamUsers - 1_000, "scale");
        long grocerFull = grocer.residentBytes();
        long bareFull = bare.residentBytes();
        record("memory.at" + scale + "Users", grocerFull / 1e6, bareFull / 1e6, "MB resident with " + scale + " users");
        record("memory.bytesPerUser", (grocerFull - grocerIdle) / (double) scale, (bareFull - bareIdle) / (double) scale,
                "bytes resident per user");
        record("memory.liveHeapBytesPerUser", (grocer.liveHeapBytes() - grocerLiveIdle) / (double) scale,
                (bare.liveHeapBytes() - bareLiveIdle) / (double) scale, "bytes of live heap per user");
        record("CreateUsers at scale users/s", grocerScale.perSecond(), bareScale.perSecond(), "users/s");
        unary("GetUser " + connections + "x" + inFlight + " (" + scale / 1000 + "k users)", toGrocer, toBare, inFlight,
                getUser(grocerIds), getUser(bareIds));
        ordersPage(toGrocer, grocerIds.get(0), scale / 1000 + "k", scale);
    }

    // --- the postgres phase: grocer with users in memory, grocer with users in PostgreSQL, bare JDBC --------

    /**
     * One side of a postgres-phase scenario: what makes its calls, at any number in flight; the CPU clock of
     * the Java process that makes them against the store (a grocer, or the bare JDBC loop); the database
     * behind it (null: grocer's in-memory store); and how long its calls have waited for a pooled
     * connection so far (null: no pool).
     */
    private interface Side {
        LoadGenerator.Result run(int calls, Duration length) throws Exception;

        long cpuNanos();

        BenchPostgres database();

        /** Connections borrowed and the seconds spent waiting for them, so far; null without a pool. */
        double[] poolWait() throws Exception;
    }

    /**
     * A grocer driven by the load generator: {@code calls} in flight over {@code many}'s connections (so
     * many per connection) when they divide evenly, otherwise all on {@code one}'s one connection.
     */
    private record GrocerSide<T>(ServerProcess server, BenchPostgres database, LoadGenerator many, LoadGenerator one,
            Function<ManagedChannel, ListenableFuture<T>> call) implements Side {
        @Override
        public LoadGenerator.Result run(int calls, Duration length) throws InterruptedException {
            int channels = many.channels().size();
            return calls % channels == 0 ? many.run(call, calls / channels, length) : one.run(call, calls, length);
        }

        @Override
        public long cpuNanos() {
            return server.cpuNanos();
        }

        @Override
        public double[] poolWait() throws Exception {
            if (database == null) {
                return null;
            }
            Map<String, Double> metrics = server.metrics();
            return new double[] {metrics.getOrDefault("hikaricp_connections_acquire_seconds_count", 0.0),
                    metrics.getOrDefault("hikaricp_connections_acquire_seconds_sum", 0.0)};
        }
    }

    /** The bare JDBC loop running {@code operation} ("get" or "create"), one thread per call in flight. */
    private static final class BareSide implements Side {
        private final BareJdbcProcess loop;
        private final BenchPostgres database;
        private final String operation;
        private final double[] waited;

        BareSide(BareJdbcProcess loop, BenchPostgres database, String operation, double[] waited) {
            this.loop = loop;
            this.database = database;
            this.operation = operation;
            this.waited = waited;
        }

        @Override
        public LoadGenerator.Result run(int calls, Duration length) throws IOException {
            BareJdbcProcess.Run run = loop.run(operation, calls, length);
            waited[0] += run.acquires();
            waited[1] += run.acquireNanos() / 1e9;
            return run.result();
        }

        @Override
        public long cpuNanos() {
            return loop.cpuNanos();
        }

        @Override
        public BenchPostgres database() {
            return database;
        }

        @Override
        public double[] poolWait() {
            return waited.clone();
        }
    }

    /** A scenario's three sides; memory and bare may be null. */
    private record Sides(Side memory, Side postgres, Side bare) {
        List<Side> all() {
            List<Side> all = new ArrayList<>();
            for (Side side : new Side[] {memory, postgres, bare}) {
                if (side != null) {
                    all.add(side);
                }
            }
            return all;
        }
    }

    private void postgresPhase() throws Exception {
        // Two fresh grocers holding the same users. CreateUser runs at full speed through every round: the
        // in-memory store would reach its default limit of 2,000,000 users before the end.
        List<String> args = List.of("--grocer.users.max-stored=1000000000");
        List<String> postgresArgs = new ArrayList<>(args);
        try (BenchPostgres database = BenchPostgres.start(pgDiagnose, out.resolve("postgres.log"))) {
            postgresArgs.addAll(List.of("--grocer.store=postgres", "--spring.datasource.url=" + database.jdbcUrl(),
                    "--spring.datasource.username=" + database.username()));
            long pool;
            try (ServerProcess memory = ServerProcess.start(ServerProcess.Kind.GROCER, jar, jvm,
                            out.resolve("grocer-memory.log"), args);
                    ServerProcess postgres = ServerProcess.start(ServerProcess.Kind.GROCER, jar, jvm,
                            out.resolve("grocer-postgres.log"), postgresArgs);
                    LoadGenerator toMemory = new LoadGenerator(memory.port(), connections);
                    LoadGenerator toPostgres = new LoadGenerator(postgres.port(), connections);
                    LoadGenerator oneMemory = new LoadGenerator(memory.port(), 1);
                    LoadGenerator onePostgres = new LoadGenerator(postgres.port(), 1)) {
                pool = storesPhase(database, memory, postgres, toMemory, toPostgres, oneMemory, onePostgres);
            }
            // Commits that do not wait for their WAL flush: a grocer whose pool sets it on every connection
            // (set on the server's command line, it would outrank ALTER SYSTEM, and open sessions keep theirs).
            postgresArgs.add("--spring.datasource.hikari.connection-init-sql=SET synchronous_commit = off");
            try (ServerProcess postgres = ServerProcess.start(ServerProcess.Kind.GROCER, jar, jvm,
                            out.resolve("grocer-postgres-async.log"), postgresArgs);
                    LoadGenerator toPostgres = new LoadGenerator(postgres.port(), connections);
                    LoadGenerator onePostgres = new LoadGenerator(postgres.port(), 1)) {
                Side create = new GrocerSide<>(postgres, database, toPostgres, onePostgres, createUser(emails));
                int most = connections * inFlight;
                for (int i = 0; i < 2; i++) {
                    create.run(most, warmup);
                }
                stores("CreateUser " + inFlightLabel(most) + ", synchronous_commit=off",
                        new Sides(null, create, null), most);
            }
            if (pool != 10) {
                notes.add("grocer's HikariCP pool held " + pool + " connections, not Spring Boot's default 10");
            }
            List<String> statements = database.topStatements(10);
            if (!statements.isEmpty()) {
                Path file = out.resolve("pg_stat_statements.txt");
                Files.write(file, statements);
                notes.add("PostgreSQL statements by total time, measured rounds and warm-ups (" + file + "):");
                statements.forEach(line -> notes.add("  " + line));
            }
        }
    }

    /** Measures every scenario of the phase on the three sides; returns grocer's pool size. */
    private long storesPhase(BenchPostgres database, ServerProcess memory, ServerProcess postgres,
            LoadGenerator toMemory, LoadGenerator toPostgres, LoadGenerator oneMemory, LoadGenerator onePostgres)
            throws Exception {
        long pool = Math.round(postgres.metrics().getOrDefault("hikaricp_connections_max", Double.NaN));
        if (pool <= 0) {
            throw new IllegalStateException("grocer reports no HikariCP pool size (hikaricp_connections_max)");
        }
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("users", storeUsers);
        settings.put("hikariMaximumPoolSize", pool);
        settings.put("inFlight", pgLevels);
        settings.put("rounds", pgRounds);
        settings.put("duration", pgDuration.toString());
        settings.put("warmup", warmup.toString());
        for (String name : List.of("server_version", "fsync", "synchronous_commit", "full_page_writes",
                "shared_buffers", "max_connections")) {
            settings.put(name, database.setting(name));
        }
        settings.put("diagnose", pgDiagnose);
        settings.put("bareJdbc", Map.of("get", BareJdbc.GET, "create", BareJdbc.CREATE,
                "pool", "HikariCP, maximumPoolSize = grocer's, connectionTimeout 5 s, a connection borrowed per call",
                "threads", "one per call in flight",
                "cpu", "the loop's whole JVM process, from /proc, as grocer's"));
        storeResults.put("settings", settings);
        List<String> memoryIds = createUsers(toMemory.channels().get(0), storeUsers, "stored").ids();
        List<String> postgresIds = createUsers(toPostgres.channels().get(0), storeUsers, "stored").ids();

        try (BareJdbcProcess loop = BareJdbcProcess.start(jvm, database.jdbcUrl(), database.username(), pool,
                postgresIds, out)) {
            if (loop.poolSize() != pool) {
                throw new IllegalStateException("the bare JDBC pool holds " + loop.poolSize() + ", grocer's " + pool);
            }
            double[] bareGetWait = new double[2];
            double[] bareCreateWait = new double[2];
            Sides get = new Sides(new GrocerSide<>(memory, null, toMemory, oneMemory, getUser(memoryIds)),
                    new GrocerSide<>(postgres, database, toPostgres, onePostgres, getUser(postgresIds)),
                    new BareSide(loop, database, "get", bareGetWait));
            Sides create = new Sides(new GrocerSide<>(memory, null, toMemory, oneMemory, createUser(emails)),
                    new GrocerSide<>(postgres, database, toPostgres, onePostgres, createUser(emails)),
                    new BareSide(loop, database, "create", bareCreateWait));
            // JIT-compile every call path before any measured round, as for grocer against bare grpc-java.
            int most = connections * inFlight;
            for (int i = 0; i < 2; i++) {
                for (Sides sides : List.of(get, create)) {
                    for (Side side : sides.all()) {
                        side.run(most, warmup);
                    }
                }
            }
            database.resetStatements();

            section(String.format(Locale.ROOT, "grocer with users in memory, grocer with users in PostgreSQL %s, "
                    + "and bare JDBC on the same database (%,d users stored; HikariCP pool %d; fsync %s, "
                    + "synchronous_commit %s; %d rounds of %s per point)", settings.get("server_version"), storeUsers,
                    pool, settings.get("fsync"), settings.get("synchronous_commit"), pgRounds, pgDuration),
                    List.of("memory", "postgres", "bare JDBC", "pg / mem", "pg / bare"), 3);
            storeRow("HikariCP maximum pool size in effect", new Cells(Double.NaN, pool, loop.poolSize()), "connections",
                    false);
            Map<String, Double> targets = new LinkedHashMap<>();
            for (String operation : List.of("GetUser", "CreateUser")) {
                for (int level : pgLevels) {
                    String name = operation + " " + inFlightLabel(level);
                    Map<String, Double> ratios = stores(name, operation.equals("GetUser") ? get : create, level);
                    if (operation.equals("GetUser")) {
                        targets.put(name + ": postgres / memory calls/s", ratios.get("calls/s postgres/memory"));
                        targets.put(name + ": postgres / memory grocer CPU per call",
                                ratios.get("cpu postgres/memory"));
                    } else {
                        targets.put(name + ": postgres / bare JDBC calls/s", ratios.get("calls/s postgres/bare"));
                    }
                }
            }
            storeResults.put("targets", targets);
            notes.add("Issue 15's targets (CreateUser postgres / bare JDBC calls/s at least 0.5 at 64 and 128 in "
                    + "flight; GetUser grocer CPU per call postgres / memory at most 3, and postgres / memory calls/s "
                    + "at least 0.25 at 64):");
            targets.forEach((key, value) -> notes.add(String.format(Locale.ROOT, "  %-62s %s", key,
                    value == null ? "-" : ratio(value))));
        }
        return pool;
    }

    /** "64 in flight (4x16)": {@code calls} over the load generator's connections, as {@link GrocerSide} runs them. */
    private String inFlightLabel(int calls) {
        int channels = calls % connections == 0 ? connections : 1;
        return calls + " in flight (" + channels + "x" + calls / channels + ")";
    }

    /**
     * Measures one scenario at {@code calls} in flight on each of its sides in rounds whose order turns
     * (memory, postgres, bare; then bare, postgres, memory; ...) and records calls/s, CPU per call (the Java
     * process's: grocer's or the bare loop's; and PostgreSQL's), latency, and how long calls waited for a
     * pooled connection. (grocer's wait comes from its HikariCP metrics; not how long calls held a connection:
     * HikariCP records that in whole milliseconds, cut down, so most short holds count as 0.) Returns the
     * ratios the targets use.
     */
    private Map<String, Double> stores(String name, Sides sides, int calls) throws Exception {
        List<Side> order = sides.all();
        for (Side side : order) {
            side.run(calls, warmup);
        }
        Map<Side, double[]> waitBefore = new HashMap<>();
        for (Side side : order) {
            waitBefore.put(side, side.poolWait());
        }
        Map<String, Integer> sessions = new TreeMap<>();
        Map<Side, List<LoadGenerator.Result>> results = new HashMap<>();
        Map<Side, long[]> cpu = new HashMap<>(); // the Java process's, PostgreSQL's nanoseconds
        for (int r = 0; r < pgRounds; r++) {
            List<Side> turn = new ArrayList<>(order);
            if (r % 2 == 1) {
                java.util.Collections.reverse(turn);
            }
            for (Side side : turn) {
                results.computeIfAbsent(side, s -> new ArrayList<>())
                        .add(round(side, calls, cpu.computeIfAbsent(side, s -> new long[2]), sessions));
            }
        }
        Map<Side, LoadGenerator.Result> all = new HashMap<>();
        Map<Side, Double> waited = new HashMap<>();
        for (Side side : order) {
            all.put(side, merge(results.get(side)));
            double[] before = waitBefore.get(side);
            double[] after = side.poolWait();
            if (before != null && after != null && after[0] > before[0]) {
                waited.put(side, 1e3 * (after[1] - before[1]) / (after[0] - before[0]));
            }
        }
        Cells callsPerSecond = cells(sides, side -> all.get(side).callsPerSecond());
        Cells javaCpu = cells(sides, side -> cpu.get(side)[0] / 1e3 / all.get(side).calls());
        storeRow(name + " calls/s", callsPerSecond, "calls/s", true);
        storeRow(name + " JVM CPU us/call", javaCpu,
                "CPU microseconds per call, the Java process's: grocer's, or the bare JDBC loop's", true);
        storeRow(name + " PostgreSQL CPU us/call",
                cells(sides, side -> side.database() == null ? Double.NaN : cpu.get(side)[1] / 1e3 / all.get(side).calls()),
                "CPU microseconds per call, PostgreSQL's processes", true);
        for (int percentile : new int[] {50, 99}) {
            storeRow(name + " p" + percentile + " ms", cells(sides, side -> all.get(side).percentileMillis(percentile)),
                    "ms", true);
        }
        storeRow(name + " errors", cells(sides, side -> all.get(side).errors()), "calls", false);
        storeRow(name + " pool wait for a connection, mean ms",
                cells(sides, side -> waited.getOrDefault(side, Double.NaN)), "ms", false);
        if (!sessions.isEmpty()) {
            String share = BenchPostgres.share(sessions);
            notes.add(name + ", PostgreSQL sessions sampled every 10 ms (grocer's and the bare loop's): " + share);
            storeResults.put(name + " sessions", share);
        }
        Map<String, Double> ratios = new HashMap<>();
        ratios.put("calls/s postgres/memory", callsPerSecond.postgres() / callsPerSecond.memory());
        ratios.put("calls/s postgres/bare", callsPerSecond.postgres() / callsPerSecond.bare());
        ratios.put("cpu postgres/memory", javaCpu.postgres() / javaCpu.memory());
        return ratios;
    }

    /** A row's figures: memory, postgres and bare JDBC (NaN where a side is absent or has none). */
    private record Cells(double memory, double postgres, double bare) {}

    private static Cells cells(Sides sides, java.util.function.ToDoubleFunction<Side> figure) {
        return new Cells(sides.memory() == null ? Double.NaN : figure.applyAsDouble(sides.memory()),
                figure.applyAsDouble(sides.postgres()),
                sides.bare() == null ? Double.NaN : figure.applyAsDouble(sides.bare()));
    }

    /** One measured round, adding the Java process's and PostgreSQL's CPU time during it to {@code cpu}. */
    private LoadGenerator.Result round(Side side, int calls, long[] cpu, Map<String, Integer> sessions)
            throws Exception {
        long process = side.cpuNanos();
        if (side.database() == null) {
            LoadGenerator.Result result = side.run(calls, pgDuration);
            cpu[0] += side.cpuNanos() - process;
            return result;
        }
        long database = side.database().cpuNanos();
        LoadGenerator.Result result = side.database().sampled(sessions, () -> side.run(calls, pgDuration));
        cpu[0] += side.cpuNanos() - process;
        cpu[1] += side.database().cpuNanos() - database;
        return result;
    }

    // --- the tracing phase: grocer with tracing off, on at probability 0, on at 1.0 and exported; bare -------

    /** A side of the tracing phase: a server, its load generator and the users stored in it. */
    private record TracingSide(String key, ServerProcess server, LoadGenerator load, List<String> ids) {}

    /** The tracing phase's sides, in the order of the table's columns. */
    private static final List<String> TRACING_SIDES = List.of("off", "p0", "p1", "bare");

    private void tracingPhase() throws Exception {
        List<String> off = List.of("--management.tracing.enabled=false");
        List<String> p0 = List.of(); // grocer's default without an OTLP endpoint: probability 0
        try (OtlpReceiver receiver = OtlpReceiver.counting()) {
            // An endpoint alone turns grocer's sampling probability to 1.0.
            List<String> p1 = List.of("--management.opentelemetry.tracing.export.otlp.endpoint=" + receiver.endpoint());
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("users", 1_000);
            settings.put("connections", connections);
            settings.put("inFlight", inFlight);
            settings.put("rounds", rounds);
            settings.put("duration", duration.toString());
            settings.put("warmup", warmup.toString());
            settings.put("order", "the four sides' order turns by one every round");
            settings.put("grocerArgs", Map.of("off", off, "p0", p0, "p1", p1));
            settings.put("receiver", "dev.grocer.testing.OtlpReceiver in the bench's own JVM (OTLP/HTTP, protobuf)");
            tracingResults.put("settings", settings);
            try (ServerProcess offServer = ServerProcess.start(ServerProcess.Kind.GROCER, jar, jvm,
                            out.resolve("grocer-tracing-off.log"), off);
                    ServerProcess p0Server = ServerProcess.start(ServerProcess.Kind.GROCER, jar, jvm,
                            out.resolve("grocer-tracing-p0.log"), p0);
                    ServerProcess p1Server = ServerProcess.start(ServerProcess.Kind.GROCER, jar, jvm,
                            out.resolve("grocer-tracing-p1.log"), p1);
                    ServerProcess bare = ServerProcess.start(ServerProcess.Kind.BARE, jar, jvm,
                            out.resolve("bare-tracing.log"));
                    LoadGenerator toOff = new LoadGenerator(offServer.port(), connections);
                    LoadGenerator toP0 = new LoadGenerator(p0Server.port(), connections);
                    LoadGenerator toP1 = new LoadGenerator(p1Server.port(), connections);
                    LoadGenerator toBare = new LoadGenerator(bare.port(), connections)) {
                List<TracingSide> sides = new ArrayList<>();
                for (Object[] side : new Object[][] {{"off", offServer, toOff}, {"p0", p0Server, toP0},
                        {"p1", p1Server, toP1}, {"bare", bare, toBare}}) {
                    LoadGenerator load = (LoadGenerator) side[2];
                    sides.add(new TracingSide((String) side[0], (ServerProcess) side[1], load,
                            createUsers(load.channels().get(0), 1_000, "small").ids()));
                }
                // JIT-compile every side's call paths before any measured round, as grocerAndBare() does.
                for (int i = 0; i < 3; i++) {
                    for (TracingSide side : sides) {
                        side.load().run(ch -> sayHello(ch), inFlight, warmup);
                        side.load().run(getUser(side.ids()), inFlight, warmup);
                    }
                }
                section(String.format(Locale.ROOT, "grocer with tracing off, on at probability 0, on at probability "
                        + "1.0 exporting over OTLP/HTTP, and bare grpc-java (%d rounds of %s, %dx%d in flight, the "
                        + "sides' order turning every round)", rounds, duration, connections, inFlight),
                        List.of("off", "p=0", "p=1", "bare", "p0 / off", "p1 / off", "p0 / bare"), 4);
                List<Map<String, Object>> targets = new ArrayList<>();
                tracing("SayHello " + connections + "x" + inFlight, sides, receiver, side -> ch -> sayHello(ch),
                        targets);
                tracing("GetUser " + connections + "x" + inFlight + " (1k users)", sides, receiver,
                        side -> getUser(side.ids()), targets);
                tracingResults.put("targets", targets);
                notes.add("Tracing targets (server CPU per call at probability 0 / off at most 1.03; grocer at "
                        + "probability 0 calls/s / bare at least 0.95):");
                for (Map<String, Object> target : targets) {
                    notes.add(String.format(Locale.ROOT, "  %-72s %6s  met: %s", target.get("target"),
                            ratio((Double) target.get("value")), target.get("met")));
                }
            }
        }
    }

    /**
     * Measures one call on the four sides in rounds whose order turns by one each round (off p0 p1 bare, p0 p1
     * bare off, ...), records calls/s, server CPU per call, latency and the spans the receiver got per call of
     * the exporting side, and adds the scenario's targets to {@code targets}.
     */
    private void tracing(String name, List<TracingSide> sides, OtlpReceiver receiver,
            Function<TracingSide, Function<ManagedChannel, ? extends ListenableFuture<?>>> callOf,
            List<Map<String, Object>> targets) throws InterruptedException {
        List<Function<ManagedChannel, ListenableFuture<Object>>> calls = sides.stream()
                .map(side -> anyResult(callOf.apply(side))).toList();
        for (int s = 0; s < sides.size(); s++) {
            sides.get(s).load().run(calls.get(s), inFlight, warmup);
        }
        // Only spans of the measured rounds count: wait for the warm-up's last batch, then forget them all.
        settle(receiver);
        receiver.clear();
        long requestsBefore = receiver.requests();
        int n = sides.size();
        long[][] cpu = new long[rounds][n];
        List<List<LoadGenerator.Result>> results = new ArrayList<>();
        sides.forEach(side -> results.add(new ArrayList<>()));
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < n; i++) {
                int s = (r + i) % n;
                TracingSide side = sides.get(s);
                results.get(s).add(measured(side.server(), side.load(), calls.get(s), inFlight, cpu[r], s));
            }
        }
        settle(receiver);
        int spans = receiver.count();
        long exports = receiver.requests() - requestsBefore;
        receiver.clear();

        LoadGenerator.Result[] all = new LoadGenerator.Result[n];
        double[] cpuPerCall = new double[n];
        for (int s = 0; s < n; s++) {
            all[s] = merge(results.get(s));
            long total = 0;
            for (long[] round : cpu) {
                total += round[s];
            }
            cpuPerCall[s] = total / 1e3 / all[s].calls();
        }
        // Per round, the ratios of that round's figures; their median beside the ratio of the totals.
        double[][] roundRatios = new double[4][rounds]; // cpu p0/off, cpu p1/off, calls/s p0/off, calls/s p0/bare
        for (int r = 0; r < rounds; r++) {
            double[] perCall = new double[n];
            double[] perSecond = new double[n];
            for (int s = 0; s < n; s++) {
                LoadGenerator.Result result = results.get(s).get(r);
                perCall[s] = cpu[r][s] / 1e3 / result.calls();
                perSecond[s] = result.callsPerSecond();
            }
            roundRatios[0][r] = perCall[1] / perCall[0];
            roundRatios[1][r] = perCall[2] / perCall[0];
            roundRatios[2][r] = perSecond[1] / perSecond[0];
            roundRatios[3][r] = perSecond[1] / perSecond[3];
        }
        double[] perSecond = new double[n];
        for (int s = 0; s < n; s++) {
            perSecond[s] = all[s].callsPerSecond();
        }
        double[] errors = new double[n];
        for (int s = 0; s < n; s++) {
            errors[s] = all[s].errors();
        }
        Map<String, Object> callsRow = tracingRow(name + " calls/s", perSecond, "calls/s", true);
        callsRow.put("roundMedian", Map.of("p0/off", median(roundRatios[2]), "p0/bare", median(roundRatios[3])));
        Map<String, Object> cpuRow = tracingRow(name + " server CPU us/call", cpuPerCall,
                "CPU microseconds per call, the server process's", true);
        cpuRow.put("roundMedian", Map.of("p0/off", median(roundRatios[0]), "p1/off", median(roundRatios[1])));
        for (int percentile : new int[] {50, 99}) {
            double[] millis = new double[n];
            for (int s = 0; s < n; s++) {
                millis[s] = all[s].percentileMillis(percentile);
            }
            tracingRow(name + " p" + percentile + " ms", millis, "ms", true);
        }
        tracingRow(name + " errors", errors, "calls", false);
        int exporting = TRACING_SIDES.indexOf("p1");
        long made = all[exporting].calls() + all[exporting].errors();
        Map<String, Object> spansRow = tracingRow(name + " spans received per call",
                new double[] {Double.NaN, Double.NaN, spans / (double) made, Double.NaN},
                "spans the OTLP receiver got per call made to the exporting grocer in the measured rounds", false);
        spansRow.put("spans", spans);
        spansRow.put("calls", made);
        spansRow.put("exportRequests", exports);

        double cpuP0 = cpuPerCall[1] / cpuPerCall[0];
        double callsP0Bare = perSecond[1] / perSecond[3];
        targets.add(target(name + ": CPU per call at probability 0 / off <= 1.03", cpuP0, cpuP0 <= 1.03));
        targets.add(target(name + ": grocer (probability 0) calls/s / bare >= 0.95", callsP0Bare,
                callsP0Bare >= 0.95));
    }

    // --- the http phase: GetUser on one grocer over gRPC, HTTP/JSON and gRPC-Web ----------------------------

    /** The http phase's sides, in the order of the table's columns. */
    private static final List<String> HTTP_SIDES = List.of("grpc", "http-json", "grpc-web");

    /**
     * GetUser on one grocer (memory store) by gRPC, by HTTP/JSON ({@code GET /v1/users/{id}}) and by gRPC-Web, in
     * rounds whose order turns; the same number of calls in flight on each (HTTP/1.1: a connection per call).
     */
    private void httpPhase() throws Exception {
        // Fewer in flight than the other phases: HTTP/1.1 takes a connection (and a Tomcat thread) per call in
        // flight, and 128 of them on 2 cores measure the threads' contention more than the calls.
        int total = Integer.getInteger("bench.httpInFlight", 16);
        int grpcConnections = Math.min(connections, total);
        int grpcInFlight = Math.max(1, total / grpcConnections);
        try (ServerProcess grocer = ServerProcess.start(ServerProcess.Kind.GROCER, jar, jvm,
                out.resolve("grocer-http.log"));
                LoadGenerator grpc = new LoadGenerator(grocer.port(), grpcConnections)) {
            HttpLoadGenerator http = new HttpLoadGenerator();
            List<String> ids = createUsers(grpc.channels().get(0), 1_000, "small").ids();
            String base = "http://127.0.0.1:" + grocer.httpPort();
            AtomicInteger nextJson = new AtomicInteger();
            java.util.function.Supplier<java.net.http.HttpRequest> json = () -> java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(base + "/v1/users/" + ids.get(Math.floorMod(nextJson.getAndIncrement(),
                            ids.size())))).GET().build();
            AtomicInteger nextWeb = new AtomicInteger();
            java.util.function.Supplier<java.net.http.HttpRequest> web = () -> {
                byte[] message = GetUserRequest.newBuilder()
                        .setId(ids.get(Math.floorMod(nextWeb.getAndIncrement(), ids.size()))).build().toByteArray();
                byte[] frame = java.nio.ByteBuffer.allocate(5 + message.length).put((byte) 0).putInt(message.length)
                        .put(message).array();
                return java.net.http.HttpRequest.newBuilder(java.net.URI.create(base
                        + "/grocer.user.v1.UserService/GetUser")).header("content-type", "application/grpc-web+proto")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(frame)).build();
            };
            Function<ManagedChannel, ListenableFuture<User>> overGrpc = getUser(ids);
            List<java.util.concurrent.Callable<LoadGenerator.Result>> sides = List.of(
                    () -> grpc.run(overGrpc, grpcInFlight, duration),
                    () -> http.run(json, total, duration),
                    () -> http.run(web, total, duration));
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("users", 1_000);
            settings.put("inFlight", total + " on each side (gRPC: " + grpcConnections + " connections x "
                    + grpcInFlight + "; HTTP/1.1: a connection each)");
            settings.put("rounds", rounds);
            settings.put("duration", duration.toString());
            settings.put("order", "the three sides' order turns by one every round");
            httpResults.put("settings", settings);
            // Warm up: JIT-compile every side's path, as the other phases do.
            for (int i = 0; i < 3; i++) {
                grpc.run(overGrpc, grpcInFlight, warmup);
                http.run(json, total, warmup);
                http.run(web, total, warmup);
            }
            int n = sides.size();
            long[] cpu = new long[n];
            List<List<LoadGenerator.Result>> results = new ArrayList<>();
            sides.forEach(side -> results.add(new ArrayList<>()));
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < n; i++) {
                    int side = (r + i) % n;
                    long before = grocer.cpuNanos();
                    results.get(side).add(sides.get(side).call());
                    cpu[side] += grocer.cpuNanos() - before;
                }
            }
            section(String.format(Locale.ROOT, "GetUser on one grocer over gRPC, HTTP/JSON and gRPC-Web (%d rounds of"
                    + " %s, %d in flight each, the sides' order turning every round)", rounds, duration, total),
                    List.of("gRPC", "HTTP/JSON", "gRPC-Web", "JSON / gRPC", "Web / gRPC"), 3);
            double[] perSecond = new double[n];
            double[] cpuPerCall = new double[n];
            double[] p50 = new double[n];
            double[] p99 = new double[n];
            double[] errors = new double[n];
            for (int s = 0; s < n; s++) {
                LoadGenerator.Result all = merge(results.get(s));
                perSecond[s] = all.callsPerSecond();
                cpuPerCall[s] = cpu[s] / 1e3 / all.calls();
                p50[s] = all.percentileMillis(50);
                p99[s] = all.percentileMillis(99);
                errors[s] = all.errors();
            }
            httpRow("GetUser calls/s", perSecond, "calls/s", true);
            httpRow("GetUser server CPU us/call", cpuPerCall, "CPU microseconds per call, the server process's", true);
            httpRow("GetUser p50 ms", p50, "ms", true);
            httpRow("GetUser p99 ms", p99, "ms", true);
            httpRow("GetUser errors", errors, "calls", false);
        }
    }

    private void httpRow(String name, double[] values, String unit, boolean ratios) {
        Map<String, Object> row = new LinkedHashMap<>();
        List<String> cells = new ArrayList<>();
        for (int s = 0; s < values.length; s++) {
            row.put(HTTP_SIDES.get(s), values[s]);
            cells.add(format(values[s]));
        }
        for (int s = 1; s < values.length; s++) {
            double ratio = ratios ? values[s] / values[0] : Double.NaN;
            if (Double.isFinite(ratio)) {
                row.put(HTTP_SIDES.get(s) + "/grpc", ratio);
            }
            cells.add(ratio(ratio));
        }
        row.put("unit", unit);
        httpResults.put(name, row);
        table.add(new Row(name, cells, 3, false));
        System.out.printf(Locale.ROOT, "%-40s gRPC %12s   HTTP/JSON %12s   gRPC-Web %12s%n", name, format(values[0]),
                format(values[1]), format(values[2]));
    }

    /** A call as the load generator takes it whatever its response type (it only counts the responses). */
    @SuppressWarnings("unchecked")
    private static Function<ManagedChannel, ListenableFuture<Object>> anyResult(
            Function<ManagedChannel, ? extends ListenableFuture<?>> call) {
        return channel -> (ListenableFuture<Object>) call.apply(channel);
    }

    private static Map<String, Object> target(String target, double value, boolean met) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("target", target);
        row.put("value", value);
        row.put("met", met ? "yes" : "no");
        return row;
    }

    /**
     * Waits until the receiver has taken no span for 7 s: longer than the exporter's schedule delay (5 s), after
     * which a batch smaller than a full one leaves anyway.
     */
    private static void settle(OtlpReceiver receiver) throws InterruptedException {
        long quiet = TimeUnit.SECONDS.toNanos(7);
        long giveUp = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        int last = receiver.count();
        long since = System.nanoTime();
        while (System.nanoTime() - since < quiet) {
            if (System.nanoTime() > giveUp) {
                throw new IllegalStateException("the OTLP receiver still takes spans after 2 minutes");
            }
            Thread.sleep(250);
            int now = receiver.count();
            if (now != last) {
                last = now;
                since = System.nanoTime();
            }
        }
    }

    /**
     * A row of the tracing phase: {@code values} for off, p0, p1 and bare (NaN where a side has none), with
     * (when {@code ratios}) p0 / off, p1 / off and p0 / bare. Returns the row's JSON, to add to.
     */
    private Map<String, Object> tracingRow(String name, double[] values, String unit, boolean ratios) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int s = 0; s < values.length; s++) {
            if (!Double.isNaN(values[s])) {
                row.put(TRACING_SIDES.get(s), values[s]);
            }
        }
        double[] ratioCells = ratios ? new double[] {values[1] / values[0], values[2] / values[0], values[1] / values[3]}
                : new double[] {Double.NaN, Double.NaN, Double.NaN};
        String[] ratioNames = {"p0/off", "p1/off", "p0/bare"};
        for (int i = 0; i < ratioCells.length; i++) {
            if (Double.isFinite(ratioCells[i])) {
                row.put(ratioNames[i], ratioCells[i]);
            }
        }
        row.put("unit", unit);
        tracingResults.put(name, row);
        List<String> cells = new ArrayList<>();
        for (double value : values) {
            cells.add(format(value));
        }
        for (double value : ratioCells) {
            cells.add(ratio(value));
        }
        table.add(new Row(name, cells, 4, false));
        System.out.printf(Locale.ROOT, "%-58s off %12s   p=0 %12s   p=1 %12s   bare %12s%n", name, format(values[0]),
                format(values[1]), format(values[2]), format(values[3]));
        return row;
    }

    // --- scenarios ---------------------------------------------------------------------------------------

    private void startUp() throws Exception {
        // The layout the container runs: the jar extracted, every class in a plain jar on the class path.
        Path extracted = out.resolve("extracted");
        run(out.resolve("extract.log"), "-Djarmode=tools", "-jar", jar.toString(), "extract", "--force",
                "--destination", extracted.toString());
        Path app = extracted.resolve(jar.getFileName());
        // JDK 25 and later: an AOT cache (classes loaded and linked, and their profiles); before: CDS.
        boolean aotCache = Runtime.version().feature() >= 25;
        Path cache = out.resolve(aotCache ? "grocer.aot" : "grocer.jsa");
        Files.deleteIfExists(cache);
        run(out.resolve("cache-training.log"), aotCache ? "-XX:AOTCacheOutput=" + cache : "-XX:ArchiveClassesAtExit=" + cache,
                "-Dspring.context.exit=onRefresh", "-jar", app.toString(), "--grpc.server.port=0", "--server.port=0",
                "--grpc.server.address=127.0.0.1", "--server.address=127.0.0.1");
        if (!Files.exists(cache)) {
            throw new IllegalStateException("no " + cache + "; see " + out.resolve("cache-training.log"));
        }
        List<String> withCache = new ArrayList<>(jvm);
        withCache.add((aotCache ? "-XX:AOTCache=" : "-XX:SharedArchiveFile=") + cache);
        double[] fat = new double[starts];
        double[] plain = new double[starts];
        double[] cached = new double[starts];
        double[] bare = new double[starts];
        for (int i = 0; i < starts; i++) {
            fat[i] = startOnce(ServerProcess.Kind.GROCER, jar, jvm);
            plain[i] = startOnce(ServerProcess.Kind.GROCER, app, jvm);
            cached[i] = startOnce(ServerProcess.Kind.GROCER, app, withCache);
            bare[i] = startOnce(ServerProcess.Kind.BARE, jar, jvm);
        }
        String median = " (median of " + starts + ", s)";
        record("start to SERVING, java -jar fat jar" + median, median(fat), median(bare), "s");
        record("start to SERVING, extracted jar" + median, median(plain), Double.NaN, "s");
        record("start to SERVING, extracted jar with " + (aotCache ? "AOT cache" : "CDS") + median, median(cached),
                Double.NaN, "s");
    }

    private static void run(Path log, String... javaArgs) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(javaArgs));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(180, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", javaArgs) + " failed; see " + log);
        }
    }

    private double startOnce(ServerProcess.Kind kind, Path jarToRun, List<String> options) throws Exception {
        try (ServerProcess server = ServerProcess.start(kind, jarToRun, options, out.resolve("start-" + kind + ".log"))) {
            return server.startSeconds();
        }
    }

    private <T> void unary(String name, LoadGenerator grocer, LoadGenerator bare, int calls,
            Function<ManagedChannel, ListenableFuture<T>> call) throws InterruptedException {
        unary(name, grocer, bare, calls, call, call);
    }

    private <T> void unary(String name, LoadGenerator grocer, LoadGenerator bare, int calls,
            Function<ManagedChannel, ListenableFuture<T>> grocerCall,
            Function<ManagedChannel, ListenableFuture<T>> bareCall) throws InterruptedException {
        grocer.run(grocerCall, calls, warmup);
        bare.run(bareCall, calls, warmup);
        List<LoadGenerator.Result> g = new ArrayList<>();
        List<LoadGenerator.Result> b = new ArrayList<>();
        long[] cpu = new long[2]; // server CPU nanoseconds: grocer's, bare's
        for (int r = 0; r < rounds; r++) {
            // A B, then B A: drift of the machine lands on both sides alike.
            if (r % 2 == 0) {
                g.add(measured(grocerServer, grocer, grocerCall, calls, cpu, 0));
                b.add(measured(bareServer, bare, bareCall, calls, cpu, 1));
            } else {
                b.add(measured(bareServer, bare, bareCall, calls, cpu, 1));
                g.add(measured(grocerServer, grocer, grocerCall, calls, cpu, 0));
            }
        }
        LoadGenerator.Result grocerAll = merge(g);
        LoadGenerator.Result bareAll = merge(b);
        record(name + " calls/s", grocerAll.callsPerSecond(), bareAll.callsPerSecond(), "calls/s");
        // Server CPU per call: unlike calls/s, it hardly depends on what else the machine is doing.
        record(name + " server CPU us/call", cpu[0] / 1e3 / grocerAll.calls(), cpu[1] / 1e3 / bareAll.calls(),
                "CPU microseconds per call");
        record(name + " p50 ms", grocerAll.percentileMillis(50), bareAll.percentileMillis(50), "ms");
        record(name + " p90 ms", grocerAll.percentileMillis(90), bareAll.percentileMillis(90), "ms");
        record(name + " p99 ms", grocerAll.percentileMillis(99), bareAll.percentileMillis(99), "ms");
        record(name + " errors", grocerAll.errors(), bareAll.errors(), "calls");
    }

    /** One measured round, adding the server's CPU time during it to {@code cpu[side]}. */
    private <T> LoadGenerator.Result measured(ServerProcess server, LoadGenerator load,
            Function<ManagedChannel, ListenableFuture<T>> call, int calls, long[] cpu, int side)
            throws InterruptedException {
        long before = server.cpuNanos();
        LoadGenerator.Result result = load.run(call, calls, duration);
        cpu[side] += server.cpuNanos() - before;
        return result;
    }

    private void listUsers(ManagedChannel grocer, ManagedChannel bare) {
        List<Double> g = new ArrayList<>();
        List<Double> b = new ArrayList<>();
        long[] cpu = new long[2];
        // One unmeasured stream each first, as the unary runs warm up: the JIT compiles the send path.
        streamRate(grocer);
        streamRate(bare);
        for (int r = 0; r < rounds; r++) {
            if (r % 2 == 0) {
                g.add(streamRate(grocerServer, grocer, cpu, 0));
                b.add(streamRate(bareServer, bare, cpu, 1));
            } else {
                b.add(streamRate(bareServer, bare, cpu, 1));
                g.add(streamRate(grocerServer, grocer, cpu, 0));
            }
        }
        String name = "ListUsers (server stream, " + (streamUsers + 1_000) / 1000 + "k users)";
        record(name + " messages/s", mean(g), mean(b), "messages/s");
        double messages = rounds * (double) (streamUsers + 1_000);
        record(name + " server CPU us/message", cpu[0] / 1e3 / messages, cpu[1] / 1e3 / messages,
                "CPU microseconds per message");
    }

    private static double streamRate(ServerProcess server, ManagedChannel channel, long[] cpu, int side) {
        long before = server.cpuNanos();
        double rate = streamRate(channel);
        cpu[side] += server.cpuNanos() - before;
        return rate;
    }

    /**
     * Reads a whole ListUsers stream on the async stub, on the channel's event loop (as fast as the client
     * can take messages, with grpc-java's automatic flow control), and returns messages per second.
     */
    private static double streamRate(ManagedChannel channel) {
        long begun = System.nanoTime();
        AtomicLong count = new AtomicLong();
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        UserServiceGrpc.newStub(channel).listUsers(ListUsersRequest.getDefaultInstance(), new StreamObserver<>() {
            @Override
            public void onNext(dev.grocer.user.v1.ListUsersResponse value) {
                count.incrementAndGet();
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                done.complete(null);
            }
        });
        done.join();
        return count.get() / ((System.nanoTime() - begun) / 1e9);
    }

    /** A ListOrders page (page_size 50, one user's) after {@code total} orders are stored. */
    private void ordersPage(LoadGenerator grocer, String userId, String label, int total) throws InterruptedException {
        ManagedChannel channel = grocer.channels().get(0);
        int have = stored.getOrDefault("orders", 0);
        if (total > have) {
            registerOrders(channel, userId, total - have);
            stored.put("orders", total);
        }
        Function<ManagedChannel, ListenableFuture<dev.grocer.order.v1.ListOrdersResponse>> page = ch ->
                OrderServiceGrpc.newFutureStub(ch).listOrders(
                        ListOrdersRequest.newBuilder().setUserId(userId).setPageSize(50).build());
        grocer.run(page, inFlight, warmup);
        long[] cpu = new long[1];
        LoadGenerator.Result result = measured(grocerServer, grocer, page, inFlight, cpu, 0);
        record("ListOrders page of 50 (" + label + " orders) calls/s", result.callsPerSecond(), Double.NaN, "calls/s");
        record("ListOrders page of 50 (" + label + " orders) server CPU us/call", cpu[0] / 1e3 / result.calls(),
                Double.NaN, "CPU microseconds per call");
        record("ListOrders page of 50 (" + label + " orders) p50 ms", result.percentileMillis(50), Double.NaN, "ms");
    }

    private final Map<String, Integer> stored = new ConcurrentHashMap<>();

    private static void registerOrders(ManagedChannel channel, String userId, int count) throws InterruptedException {
        java.util.concurrent.Semaphore window = new java.util.concurrent.Semaphore(256);
        AtomicInteger failed = new AtomicInteger();
        RegisterOrderRequest request = RegisterOrderRequest.newBuilder().setOrder(Order.newBuilder()
                .setUserId(userId)
                .addItems(OrderItem.newBuilder().setProduct("Tea").setQuantity(1)
                        .setUnitPrice(Money.newBuilder().setCurrencyCode("EUR").setUnits(2)))
                .setDeliveryAddress(Address.newBuilder().setStreet("Main Street").setNumber("1")
                        .setCity("Springfield").setPostalCode("12345")))
                .build();
        var stub = OrderServiceGrpc.newFutureStub(channel);
        for (int i = 0; i < count; i++) {
            window.acquire();
            ListenableFuture<Order> f = stub.registerOrder(request);
            f.addListener(() -> {
                try {
                    f.get();
                } catch (Exception e) {
                    failed.incrementAndGet();
                }
                window.release();
            }, Runnable::run);
        }
        window.acquire(256);
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " RegisterOrder calls failed");
        }
    }

    /** Users created through CreateUsers streams, and how fast. */
    private record Populated(List<String> ids, double perSecond) {}

    private static Populated createUsers(ManagedChannel channel, int count, String tag) throws InterruptedException {
        List<String> ids = new ArrayList<>(count);
        long begun = System.nanoTime();
        int batch = 10_000; // a response lists every user: 10,000 stay well under the 4 MB message limit
        for (int from = 0; from < count; from += batch) {
            int size = Math.min(batch, count - from);
            java.util.concurrent.CompletableFuture<CreateUsersResponse> done = new java.util.concurrent.CompletableFuture<>();
            StreamObserver<CreateUserRequest> requests = UserServiceGrpc.newStub(channel).createUsers(new StreamObserver<>() {
                @Override
                public void onNext(CreateUsersResponse value) {
                    done.complete(value);
                }

                @Override
                public void onError(Throwable t) {
                    done.completeExceptionally(t);
                }

                @Override
                public void onCompleted() {
                }
            });
            for (int i = from; i < from + size; i++) {
                requests.onNext(CreateUserRequest.newBuilder().setUser(User.newBuilder()
                        .setDisplayName("User " + i).setEmail(tag + "-" + i + "@bench.example.com")).build());
            }
            requests.onCompleted();
            CreateUsersResponse response = done.join();
            if (response.getCreatedCount() != size) {
                throw new IllegalStateException("created " + response.getCreatedCount() + " of " + size + " users");
            }
            response.getResultsList().forEach(r -> ids.add(r.getUser().getId()));
        }
        return new Populated(ids, count / ((System.nanoTime() - begun) / 1e9));
    }

    private static ListenableFuture<?> sayHello(ManagedChannel channel) {
        return GreeterServiceGrpc.newFutureStub(channel).sayHello(SayHelloRequest.newBuilder().setName("Ada").build());
    }

    /** CreateUser with a new email every call, so that every call stores a user; no request_id. */
    private static Function<ManagedChannel, ListenableFuture<User>> createUser(AtomicLong emails) {
        return channel -> UserServiceGrpc.newFutureStub(channel).createUser(CreateUserRequest.newBuilder()
                .setUser(User.newBuilder().setDisplayName("New User")
                        .setEmail("new-" + emails.incrementAndGet() + "@bench.example.com"))
                .build());
    }

    private static Function<ManagedChannel, ListenableFuture<User>> getUser(List<String> ids) {
        AtomicInteger next = new AtomicInteger();
        return channel -> UserServiceGrpc.newFutureStub(channel).getUser(GetUserRequest.newBuilder()
                .setId(ids.get(Math.floorMod(next.getAndIncrement(), ids.size()))).build());
    }

    // --- results -----------------------------------------------------------------------------------------

    /** A line of the printed table, or the title and column names of a section of it. */
    private record Row(String name, List<String> cells, int firstRatio, boolean header) {}

    private void record(String name, double grocer, double bare, String unit) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("grocer", grocer);
        if (!Double.isNaN(bare)) {
            row.put("bare", bare);
            row.put("ratio", bare == 0 ? Double.NaN : grocer / bare);
        }
        row.put("unit", unit);
        results.put(name, row);
        table.add(new Row(name, List.of(format(grocer), Double.isNaN(bare) ? "" : format(bare),
                Double.isNaN(bare) || bare == 0 ? "" : String.format(Locale.ROOT, "%.2f", grocer / bare)), 2, false));
        System.out.printf(Locale.ROOT, "%-58s grocer %12s   bare %12s%n", name, format(grocer),
                Double.isNaN(bare) ? "-" : format(bare));
    }

    /**
     * A row of the postgres phase: grocer on its in-memory store, grocer on PostgreSQL and bare JDBC, with
     * (when {@code ratios}) postgres / memory ({@code "ratio"} in the JSON) and postgres / bare JDBC
     * ({@code "ratioBareJdbc"}).
     */
    private void storeRow(String name, Cells cells, String unit, boolean ratios) {
        Map<String, Object> row = new LinkedHashMap<>();
        if (!Double.isNaN(cells.memory())) {
            row.put("memory", cells.memory());
        }
        row.put("postgres", cells.postgres());
        if (!Double.isNaN(cells.bare())) {
            row.put("bareJdbc", cells.bare());
        }
        double perMemory = ratios ? cells.postgres() / cells.memory() : Double.NaN;
        double perBare = ratios ? cells.postgres() / cells.bare() : Double.NaN;
        if (Double.isFinite(perMemory)) {
            row.put("ratio", perMemory);
        }
        if (Double.isFinite(perBare)) {
            row.put("ratioBareJdbc", perBare);
        }
        row.put("unit", unit);
        storeResults.put(name, row);
        Function<Double, String> figure = value -> unit.equals("connections") && !Double.isNaN(value)
                ? Long.toString(Math.round(value)) : format(value);
        table.add(new Row(name, List.of(figure.apply(cells.memory()), figure.apply(cells.postgres()),
                figure.apply(cells.bare()), ratio(perMemory), ratio(perBare)), 3, false));
        System.out.printf(Locale.ROOT, "%-58s memory %12s   postgres %12s   bare JDBC %12s%n", name,
                format(cells.memory()), format(cells.postgres()), format(cells.bare()));
    }

    /** Three significant digits: PostgreSQL's calls/s can be a few thousandths of memory's. */
    private static String ratio(double value) {
        return Double.isFinite(value) ? new BigDecimal(value).round(new MathContext(3)).toPlainString() : "";
    }

    private void section(String title, List<String> columns, int firstRatio) {
        table.add(new Row(title, columns, firstRatio, true));
        System.out.println(title);
    }

    private void print() {
        if (table.isEmpty() || !table.get(0).header()) {
            table.add(0, new Row("", List.of("grocer", "bare", "ratio"), 2, true));
        }
        int width = Math.max(58, table.stream().filter(row -> !row.header()).mapToInt(row -> row.name().length())
                .max().orElse(0));
        for (Row row : table) {
            if (row.header()) {
                System.out.println();
                if (!row.name().isEmpty()) {
                    System.out.println(row.name());
                }
            }
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-" + width + "s",
                    row.header() ? "" : row.name()));
            for (int i = 0; i < row.cells().size(); i++) {
                line.append(String.format(Locale.ROOT, " %" + (i < row.firstRatio() ? 14 : 9) + "s", row.cells().get(i)));
            }
            System.out.println(line);
        }
        if (!notes.isEmpty()) {
            System.out.println();
            notes.forEach(System.out::println);
        }
    }

    private static String format(double value) {
        if (Double.isNaN(value)) {
            return "";
        }
        return Math.abs(value) >= 100 ? String.format(Locale.ROOT, "%,.0f", value)
                : String.format(Locale.ROOT, "%.3f", value);
    }

    private static LoadGenerator.Result merge(List<LoadGenerator.Result> results) {
        Histogram all = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        long calls = 0;
        long errors = 0;
        double seconds = 0;
        for (LoadGenerator.Result r : results) {
            all.add(r.latencyNanos());
            calls += r.calls();
            errors += r.errors();
            seconds += r.seconds();
        }
        return new LoadGenerator.Result(calls, errors, seconds, all);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }
}
