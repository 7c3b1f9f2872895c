package dev.grocer.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import org.HdrHistogram.Histogram;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.type.Money;

import dev.grocer.greeter.v1.GreeterServiceGrpc;
import dev.grocer.greeter.v1.SayHelloRequest;
import dev.grocer.order.v1.Address;
import dev.grocer.order.v1.ListOrdersRequest;
import dev.grocer.order.v1.Order;
import dev.grocer.order.v1.OrderItem;
import dev.grocer.order.v1.OrderServiceGrpc;
import dev.grocer.order.v1.RegisterOrderRequest;
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
 * records stored. A/B rounds alternate so drift of the machine falls on both. Prints a table and writes
 * it as JSON under target/bench. Run it with {@code ./mvnw -Pbench verify} (settings: README).
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
    private final List<String> phases = List.of(System.getProperty("bench.phases", "startup,unary,scale").split(","));
    private final List<String> jvm = Arrays.stream(System.getProperty("bench.jvm", "").split(" "))
            .filter(s -> !s.isBlank()).toList();
    private final Map<String, Object> results = new LinkedHashMap<>();
    private final List<String[]> table = new ArrayList<>();
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
        print();
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        Path file = out.resolve("results.json");
        json.writeValue(file.toFile(), results);
        System.out.println("\nresults written to " + file);
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

    private static Function<ManagedChannel, ListenableFuture<User>> getUser(List<String> ids) {
        AtomicInteger next = new AtomicInteger();
        return channel -> UserServiceGrpc.newFutureStub(channel).getUser(GetUserRequest.newBuilder()
                .setId(ids.get(Math.floorMod(next.getAndIncrement(), ids.size()))).build());
    }

    // --- results -----------------------------------------------------------------------------------------

    private void record(String name, double grocer, double bare, String unit) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("grocer", grocer);
        if (!Double.isNaN(bare)) {
            row.put("bare", bare);
            row.put("ratio", bare == 0 ? Double.NaN : grocer / bare);
        }
        row.put("unit", unit);
        results.put(name, row);
        table.add(new String[] {name, format(grocer), Double.isNaN(bare) ? "" : format(bare),
                Double.isNaN(bare) || bare == 0 ? "" : String.format(Locale.ROOT, "%.2f", grocer / bare)});
        System.out.printf(Locale.ROOT, "%-58s grocer %12s   bare %12s%n", name, format(grocer),
                Double.isNaN(bare) ? "-" : format(bare));
    }

    private void print() {
        System.out.println();
        System.out.printf(Locale.ROOT, "%-58s %14s %14s %8s%n", "", "grocer", "bare", "ratio");
        for (String[] row : table) {
            System.out.printf(Locale.ROOT, "%-58s %14s %14s %8s%n", (Object[]) row);
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
