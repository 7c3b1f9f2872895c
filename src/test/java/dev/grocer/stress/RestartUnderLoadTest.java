package dev.grocer.stress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.grocer.GrocerApplication;
import dev.grocer.greeter.v1.GreeterServiceGrpc;
import dev.grocer.greeter.v1.SayHelloRequest;
import dev.grocer.user.v1.CreateUserRequest;
import dev.grocer.user.v1.User;
import dev.grocer.user.v1.UserServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;

/**
 * Issue 7, "Load and faults": SIGTERM to a grocer process in the middle of a load run. grocer runs in a
 * JVM of its own, started from the test classpath (the jar does not exist yet when {@code verify} runs
 * the tests), on free loopback ports, with a 2 s grace period.
 */
class RestartUnderLoadTest {

    private static final Logger log = LoggerFactory.getLogger(RestartUnderLoadTest.class);
    private static final int CLIENTS = 8;

    @Test
    void sigtermDuringLoad_everyCallSucceedsOrIsUnavailable_andHealthTurnsNotServingFirst() throws Exception {
        int port = freePort();
        Path logFile = Path.of("target", "stress", "restart-under-load.log");
        Files.createDirectories(logFile.getParent());
        Process grocer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), GrocerApplication.class.getName(),
                "--grpc.server.port=" + port, "--grpc.server.address=127.0.0.1",
                "--server.port=" + freePort(), "--server.address=127.0.0.1",
                "--grpc.server.shutdown-grace-period=2s", "--grocer.orders.fulfilment.enabled=false")
                .redirectErrorStream(true).redirectOutput(logFile.toFile()).start();
        List<ManagedChannel> channels = new ArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            ManagedChannel healthChannel = channel(port, channels);
            awaitServing(grocer, healthChannel, logFile);
            HealthWatch health = new HealthWatch(grocer);
            HealthGrpc.newStub(healthChannel).watch(HealthCheckRequest.getDefaultInstance(), health);
            await().until(() -> health.statuses.contains(ServingStatus.SERVING));

            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong started = new AtomicLong();
            AtomicReference<String> phase = new AtomicReference<>("serving");
            Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
            List<String> others = new CopyOnWriteArrayList<>();
            AtomicReference<Boolean> firstRefusalAfterNotServing = new AtomicReference<>();
            List<Future<?>> load = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                ManagedChannel channel = channel(port, channels);
                int client = c;
                load.add(clients.submit(() -> {
                    for (int n = 0; !stop.get(); n++) {
                        started.incrementAndGet();
                        String when = phase.get();
                        Status.Code code;
                        try {
                            call(channel, client, n);
                            code = Status.Code.OK;
                        } catch (StatusRuntimeException e) {
                            code = e.getStatus().getCode();
                            if (code != Status.Code.UNAVAILABLE) {
                                others.add(e.getStatus().toString());
                            } else if (!when.equals("serving")) {
                                firstRefusalAfterNotServing.compareAndSet(null,
                                        health.statuses.contains(ServingStatus.NOT_SERVING));
                            }
                        }
                        outcomes.computeIfAbsent(when + " " + code, k -> new LongAdder()).increment();
                        if (code != Status.Code.OK) {
                            Thread.sleep(10); // a client backs off before it calls again
                        }
                    }
                    return null;
                }));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> succeeded(outcomes) >= 500);

            phase.set("stopping");
            grocer.destroy(); // SIGTERM
            assertThat(grocer.waitFor(30, TimeUnit.SECONDS)).as("grocer exits after SIGTERM").isTrue();
            phase.set("stopped");
            // Calls go on against the stopped server for a moment: they must fail as UNAVAILABLE too.
            Thread.sleep(300);
            stop.set(true);
            for (Future<?> client : load) {
                client.get(30, TimeUnit.SECONDS);
            }

            Map<String, Long> byPhaseAndCode = new TreeMap<>();
            outcomes.forEach((kind, count) -> byPhaseAndCode.put(kind, count.sum()));
            log.info("Restart under load: {} calls from {} clients, by phase (serving, stopping: SIGTERM to exit, "
                    + "stopped) and status: {}; exit code {}; health watch saw {}; NOT_SERVING had arrived before "
                    + "the first UNAVAILABLE: {}", started.get(), CLIENTS, byPhaseAndCode, grocer.exitValue(),
                    health.statuses, firstRefusalAfterNotServing.get());
            assertThat(others).as("calls that ended with neither OK nor UNAVAILABLE").isEmpty();
            assertThat(byPhaseAndCode.values().stream().mapToLong(Long::longValue).sum())
                    .as("every call started has an outcome").isEqualTo(started.get());
            assertThat(byPhaseAndCode.get("stopped UNAVAILABLE")).as("calls refused once grocer stopped").isPositive();
            assertThat(health.statuses).containsExactly(ServingStatus.SERVING, ServingStatus.NOT_SERVING);
            assertThat(health.aliveAtNotServing).as("NOT_SERVING arrived while grocer was still running").isTrue();
            assertThat(health.end.await(10, TimeUnit.SECONDS)).as("the health watch ended").isTrue();
        } finally {
            clients.shutdownNow();
            for (ManagedChannel channel : channels) {
                channel.shutdownNow();
            }
            if (grocer.isAlive()) {
                grocer.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Unary load of reads and writes: SayHello, and CreateUser with an address of its own. */
    private static void call(ManagedChannel channel, int client, int n) {
        if (n % 2 == 0) {
            GreeterServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .sayHello(SayHelloRequest.newBuilder().setName("Client " + client).build());
        } else {
            UserServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .createUser(CreateUserRequest.newBuilder().setUser(User.newBuilder()
                            .setDisplayName("Client " + client).setEmail("c" + client + "-" + n + "@example.com"))
                            .build());
        }
    }

    private static long succeeded(Map<String, LongAdder> outcomes) {
        LongAdder ok = outcomes.get("serving OK");
        return ok == null ? 0 : ok.sum();
    }

    private static ManagedChannel channel(int port, List<ManagedChannel> channels) {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        channels.add(channel);
        return channel;
    }

    private static void awaitServing(Process grocer, ManagedChannel channel, Path logFile) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50)).until(() -> {
            assertThat(grocer.isAlive()).as("grocer runs; see %s", logFile).isTrue();
            // A refused connection puts the channel into reconnect backoff; skip it.
            channel.resetConnectBackoff();
            try {
                return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.SECONDS)
                        .check(HealthCheckRequest.getDefaultInstance()).getStatus() == ServingStatus.SERVING;
            } catch (StatusRuntimeException notYet) {
                return false;
            }
        });
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** A health watch that notes whether grocer was still running when it heard NOT_SERVING. */
    private static final class HealthWatch implements StreamObserver<HealthCheckResponse> {
        final List<ServingStatus> statuses = new CopyOnWriteArrayList<>();
        final java.util.concurrent.CountDownLatch end = new java.util.concurrent.CountDownLatch(1);
        final Process grocer;
        volatile boolean aliveAtNotServing;

        HealthWatch(Process grocer) {
            this.grocer = grocer;
        }

        @Override
        public void onNext(HealthCheckResponse value) {
            if (value.getStatus() == ServingStatus.NOT_SERVING) {
                aliveAtNotServing = grocer.isAlive();
            }
            statuses.add(value.getStatus());
        }

        @Override
        public void onError(Throwable t) {
            end.countDown();
        }

        @Override
        public void onCompleted() {
            end.countDown();
        }
    }
}
