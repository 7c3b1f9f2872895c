package dev.grocer.bench;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;

/** A server under test in a process of its own, on free loopback ports, stopped by its PID. */
final class ServerProcess implements AutoCloseable {

    /** Which server. */
    enum Kind { GROCER, BARE }

    private final Process process;
    private final int port;
    private final int httpPort;
    private final double startSeconds;

    private ServerProcess(Process process, int port, int httpPort, double startSeconds) {
        this.process = process;
        this.port = port;
        this.httpPort = httpPort;
        this.startSeconds = startSeconds;
    }

    /** Starts a server and waits until its gRPC health service answers SERVING. */
    static ServerProcess start(Kind kind, Path jar, List<String> jvmOptions, Path log) throws Exception {
        return start(kind, jar, jvmOptions, log, List.of());
    }

    /** Starts a server with {@code grocerArgs} added to grocer's arguments (before bench.grocerArgs). */
    static ServerProcess start(Kind kind, Path jar, List<String> jvmOptions, Path log, List<String> grocerArgs)
            throws Exception {
        int port = freePort();
        int httpPort = freePort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        if (kind == Kind.GROCER) {
            // e.g. -XX:StartFlightRecording=... to profile grocer alone
            command.addAll(Arrays.stream(System.getProperty("bench.grocerJvm", "").split(" "))
                    .filter(option -> !option.isBlank()).toList());
            command.addAll(List.of("-jar", jar.toString(),
                    "--grpc.server.port=" + port, "--grpc.server.address=127.0.0.1",
                    "--server.port=" + httpPort, "--server.address=127.0.0.1",
                    "--grocer.users.max-batch-size=10000",
                    "--grocer.orders.fulfilment.enabled=false",
                    "--logging.level.root=WARN"));
            command.addAll(grocerArgs);
            command.addAll(Arrays.stream(System.getProperty("bench.grocerArgs", "").split(" "))
                    .filter(arg -> !arg.isBlank()).toList());
        } else {
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), BareServer.class.getName(),
                    Integer.toString(port), Boolean.getBoolean("bench.bareDirect") ? "direct" : "pool"));
        }
        Files.createDirectories(log.getParent());
        long begun = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        awaitServing(process, port, log);
        return new ServerProcess(process, port, httpPort, (System.nanoTime() - begun) / 1e9);
    }

    private static void awaitServing(Process process, int port, Path log) throws InterruptedException {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        try {
            long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < giveUp) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the server exited; see " + log);
                }
                // A refused connection puts the channel into reconnect backoff (1 s, then longer): skip it,
                // or the backoff, not the server, decides when SERVING is seen.
                channel.resetConnectBackoff();
                try {
                    if (HealthGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.SECONDS)
                            .check(HealthCheckRequest.getDefaultInstance()).getStatus() == ServingStatus.SERVING) {
                        return;
                    }
                } catch (RuntimeException notYet) {
                    // not listening yet
                }
                Thread.sleep(25);
            }
            throw new IllegalStateException("the server did not serve within 60 s; see " + log);
        } finally {
            channel.shutdownNow();
        }
    }

    int port() {
        return port;
    }

    /** The HTTP port (actuator, and grocer's HTTP API). */
    int httpPort() {
        return httpPort;
    }

    /**
     * grocer's Prometheus metrics (/actuator/prometheus), each name with the values of all its label sets
     * added up, e.g. {@code hikaricp_connections_max}.
     */
    Map<String, Double> metrics() throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + httpPort + "/actuator/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("/actuator/prometheus answered " + response.statusCode());
        }
        Map<String, Double> metrics = new HashMap<>();
        for (String line : response.body().split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int labels = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            String name = line.substring(0, labels >= 0 ? labels : space);
            try {
                metrics.merge(name, Double.parseDouble(line.substring(space + 1)), Double::sum);
            } catch (NumberFormatException infinite) {
                // "+Inf" buckets: not a number Java parses, and nothing the bench reads
            }
        }
        return metrics;
    }

    /** Seconds from the process start to the first SERVING answer of its health service. */
    double startSeconds() {
        return startSeconds;
    }

    /** The process's resident memory, in bytes, from /proc. */
    long residentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS for pid " + process.pid());
    }

    /**
     * The bytes the process's heap holds after a full collection (the live data), from {@code jcmd}: what the
     * stored records really cost, where resident memory also counts the garbage a heap grows to hold.
     */
    long liveHeapBytes() throws IOException, InterruptedException {
        jcmd("GC.run");
        Matcher used = Pattern.compile("used (\\d+)K").matcher(jcmd("GC.heap_info"));
        if (!used.find()) {
            throw new IOException("no heap use in jcmd GC.heap_info for pid " + process.pid());
        }
        return Long.parseLong(used.group(1)) * 1024;
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(process.pid()), command).redirectErrorStream(true).start();
        String output = new String(jcmd.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (jcmd.waitFor() != 0) {
            throw new IOException("jcmd " + command + " failed: " + output);
        }
        return output;
    }

    /** CPU time the process has used so far (user and system, all threads), in nanoseconds. */
    long cpuNanos() {
        return process.toHandle().info().totalCpuDuration()
                .orElseThrow(() -> new IllegalStateException("no CPU time for pid " + process.pid())).toNanos();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The grocer jar Maven built: target/grocer-VERSION.jar. */
    static Path grocerJar(Path target) {
        File[] jars = target.toFile().listFiles((dir, name) -> name.startsWith("grocer-") && name.endsWith(".jar")
                && !name.endsWith("-plain.jar"));
        if (jars == null || jars.length != 1) {
            throw new IllegalStateException("expected one grocer jar in " + target + "; run the bench through Maven");
        }
        return jars[0].toPath();
    }
}
