package dev.grocer.grpc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.TestRestTemplate;

import dev.grocer.greeter.v1.GetItemRequest;
import dev.grocer.greeter.v1.GreeterServiceGrpc;
import dev.grocer.greeter.v1.SayHelloRequest;
import dev.grocer.testing.RecordingObserver;
import dev.grocer.testing.RpcError;
import dev.grocer.user.v1.ChatStreamRequest;
import dev.grocer.user.v1.ChatStreamResponse;
import dev.grocer.user.v1.CreateUserRequest;
import dev.grocer.user.v1.CreateUsersResponse;
import dev.grocer.user.v1.User;
import dev.grocer.user.v1.UserServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import net.devh.boot.grpc.server.interceptor.GlobalServerInterceptorRegistry;
import net.devh.boot.grpc.server.scope.GrpcRequestScope;

/**
 * {@code /actuator/prometheus} counts each gRPC call exactly once, in the one metric set grocer keeps
 * (Micrometer's {@code grpc.server.processing.duration} timer and its message counters), with the status
 * the client saw, shows the calls in flight, and serves the JVM metrics beside it.
 */
@GrpcNettyTest
class GrpcMetricsTest {

    private static final String GREETER = "grocer.greeter.v1.GreeterService";
    private static final String USERS = "grocer.user.v1.UserService";

    /** A Prometheus series of the gRPC server metrics; labels in the order Prometheus writes them. */
    private static String series(String metric, String method, String type, String service, String status) {
        return "grpc_server_" + metric + "{application=\"grocer\",method=\"" + method + "\",methodType=\""
                + type + "\",service=\"" + service + "\"" + (status == null ? "" : ",statusCode=\"" + status + "\"")
                + ",transport=\"grpc\"}";
    }

    private static String calls(String method, String type, String service, String status) {
        return series("processing_duration_seconds_count", method, type, service, status);
    }

    private static String received(String method, String type, String service) {
        return series("requests_received_messages_total", method, type, service, null);
    }

    private static String sent(String method, String type, String service) {
        return series("responses_sent_messages_total", method, type, service, null);
    }

    @Autowired
    GrpcServerStatus serverStatus;

    @Autowired
    TestRestTemplate http;

    private ManagedChannel channel;

    @BeforeEach
    void connect() {
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", serverStatus.port()).usePlaintext().build();
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private String scrape() {
        return http.getForObject("/actuator/prometheus", String.class);
    }

    /** Every gRPC counting sample ({@code _count}, {@code _total}) by its name and labels. */
    private Map<String, Double> grpcCounts() {
        Map<String, Double> counts = new HashMap<>();
        scrape().lines()
                .filter(line -> line.startsWith("grpc"))
                .forEach(line -> {
                    int split = line.lastIndexOf(' ');
                    String series = line.substring(0, split);
                    String name = series.contains("{") ? series.substring(0, series.indexOf('{')) : series;
                    if (name.endsWith("_count") || name.endsWith("_total")) {
                        counts.put(series, Double.parseDouble(line.substring(split + 1)));
                    }
                });
        return counts;
    }

    /** The series whose value moved from {@code before} to {@code after}, with how much. */
    private static Map<String, Double> changes(Map<String, Double> before, Map<String, Double> after) {
        Set<String> series = new HashSet<>(before.keySet());
        series.addAll(after.keySet());
        Map<String, Double> changed = new HashMap<>();
        for (String name : series) {
            double delta = after.getOrDefault(name, 0.0) - before.getOrDefault(name, 0.0);
            if (delta != 0) {
                changed.put(name, delta);
            }
        }
        return changed;
    }

    /** Metrics are recorded as the server closes the call, a moment after the client has its answer. */
    private Map<String, Double> changesAfter(Map<String, Double> before) {
        await().until(() -> !changes(before, grpcCounts()).isEmpty());
        return changes(before, grpcCounts());
    }

    @Test
    void oneSuccessfulCall_incrementsExactlyOneSeriesByOne() {
        Map<String, Double> before = grpcCounts();

        GreeterServiceGrpc.newBlockingStub(channel).sayHello(SayHelloRequest.newBuilder().setName("Ada").build());

        assertThat(changesAfter(before)).isEqualTo(Map.of(
                calls("SayHello", "UNARY", GREETER, "OK"), 1.0,
                received("SayHello", "UNARY", GREETER), 1.0,
                sent("SayHello", "UNARY", GREETER), 1.0));
    }

    @Test
    void oneFailedCall_incrementsExactlyOneSeriesByOne_withTheStatusTheClientSaw() {
        Map<String, Double> before = grpcCounts();

        RpcError error = RpcError.of(() -> GreeterServiceGrpc.newBlockingStub(channel)
                .getItem(GetItemRequest.newBuilder().setId("0190a0a0-0000-7000-8000-000000000000").build()));

        assertThat(error.code()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(changesAfter(before)).isEqualTo(Map.of(
                calls("GetItem", "UNARY", GREETER, "NOT_FOUND"), 1.0,
                received("GetItem", "UNARY", GREETER), 1.0));
    }

    @Test
    void aClientStream_isOneCall_andCountsEachMessage() {
        Map<String, Double> before = grpcCounts();
        RecordingObserver<CreateUserRequest, CreateUsersResponse> response = RecordingObserver.autoFlowControl();

        StreamObserver<CreateUserRequest> requests = UserServiceGrpc.newStub(channel).createUsers(response);
        for (int i = 0; i < 3; i++) {
            requests.onNext(CreateUserRequest.newBuilder().setUser(User.newBuilder()
                    .setDisplayName("Metric " + i).setEmail("metric-" + i + "@example.com")).build());
        }
        requests.onCompleted();
        response.awaitCompletion();

        assertThat(response.values().get(0).getResultsCount()).isEqualTo(3);
        assertThat(changesAfter(before)).isEqualTo(Map.of(
                calls("CreateUsers", "CLIENT_STREAMING", USERS, "OK"), 1.0,
                received("CreateUsers", "CLIENT_STREAMING", USERS), 3.0,
                sent("CreateUsers", "CLIENT_STREAMING", USERS), 1.0));
    }

    @Test
    void aCallInFlight_isCountedActiveUntilItEnds() {
        double before = activeCalls();
        RecordingObserver<ChatStreamRequest, ChatStreamResponse> messages = RecordingObserver.autoFlowControl();

        StreamObserver<ChatStreamRequest> chat = UserServiceGrpc.newStub(channel).chatStream(messages);
        await().until(() -> activeCalls() == before + 1);
        chat.onCompleted();
        messages.awaitCompletion();

        await().until(() -> activeCalls() == before);
    }

    @Test
    void everyMethodHasItsSeriesFromTheStart_andTheRequestScopeIsOff(
            @Autowired GlobalServerInterceptorRegistry interceptors) {
        String metrics = scrape();

        // Every method of every service the server serves, called in this context or not (the other tests
        // here call a few; reflection's and most order methods none): preregistration made their series.
        for (io.grpc.ServiceDescriptor service : List.of(GreeterServiceGrpc.getServiceDescriptor(),
                UserServiceGrpc.getServiceDescriptor(), dev.grocer.order.v1.OrderServiceGrpc.getServiceDescriptor(),
                io.grpc.health.v1.HealthGrpc.getServiceDescriptor(),
                io.grpc.reflection.v1.ServerReflectionGrpc.getServiceDescriptor())) {
            for (io.grpc.MethodDescriptor<?, ?> method : service.getMethods()) {
                assertThat(metrics).contains(calls(method.getBareMethodName(), method.getType().name(),
                        service.getName(), "OK") + " ");
            }
        }
        assertThat(interceptors.getServerInterceptors())
                .noneMatch(GrpcRequestScope.class::isInstance)
                .anyMatch(GrpcMetricsConfiguration.TransportMetrics.class::isInstance)
                .anyMatch(InFlightCalls.class::isInstance);
    }

    private double activeCalls() {
        return scrape().lines()
                .filter(line -> line.startsWith("grpc_server_calls_active{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void prometheus_servesLatencyBucketsAndTheJvmMetrics() {
        GreeterServiceGrpc.newBlockingStub(channel).sayHello(SayHelloRequest.newBuilder().setName("Bob").build());
        String bucket = series("processing_duration_seconds_bucket", "SayHello", "UNARY", GREETER, "OK");
        await().until(() -> scrape().contains(bucket.replace("}", ",le=\"0.005\"}")));

        String metrics = scrape();

        assertThat(metrics).contains(bucket.replace("}", ",le=\"10.0\"}"));
        assertThat(metrics).contains("jvm_memory_used_bytes{", "jvm_threads_live_threads{", "process_cpu_usage{");
        assertThat(metrics).doesNotContain("grpc_server_call_", "grpc_server_seconds", "grpc_server_active_seconds",
                "grpc_server_received", "grpc_server_sent");
    }
}
