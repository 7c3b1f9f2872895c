package dev.grocer.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;

import dev.grocer.greeter.v1.GreeterServiceGrpc;
import dev.grocer.greeter.v1.GetItemRequest;
import dev.grocer.greeter.v1.SayHelloRequest;
import dev.grocer.testing.RpcError;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;

/**
 * {@code /actuator/prometheus} counts each gRPC call exactly once, in the one metric set grocer keeps
 * (the {@code grpc.server} observation timer), with the status the client saw, and serves the JVM
 * metrics beside it.
 */
@GrpcNettyTest
class GrpcMetricsTest {

    private static final String SAY_HELLO = "grpc_server_seconds_count{application=\"grocer\",error=\"none\","
            + "grpc_status_code=\"%s\",rpc_method=\"SayHello\",rpc_service=\"grocer.greeter.v1.GreeterService\","
            + "rpc_type=\"UNARY\"}";
    private static final String GET_ITEM = "grpc_server_seconds_count{application=\"grocer\",error=\"none\","
            + "grpc_status_code=\"%s\",rpc_method=\"GetItem\",rpc_service=\"grocer.greeter.v1.GreeterService\","
            + "rpc_type=\"UNARY\"}";

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

        assertThat(changesAfter(before)).isEqualTo(Map.of(SAY_HELLO.formatted("OK"), 1.0));
    }

    @Test
    void oneFailedCall_incrementsExactlyOneSeriesByOne_withTheStatusTheClientSaw() {
        Map<String, Double> before = grpcCounts();

        RpcError error = RpcError.of(() -> GreeterServiceGrpc.newBlockingStub(channel)
                .getItem(GetItemRequest.newBuilder().setId("0190a0a0-0000-7000-8000-000000000000").build()));

        assertThat(error.code()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(changesAfter(before)).isEqualTo(Map.of(GET_ITEM.formatted("NOT_FOUND"), 1.0));
    }

    @Test
    void prometheus_servesLatencyBucketsAndTheJvmMetrics() {
        GreeterServiceGrpc.newBlockingStub(channel).sayHello(SayHelloRequest.newBuilder().setName("Bob").build());
        await().until(() -> grpcCounts().containsKey(SAY_HELLO.formatted("OK")));

        String metrics = scrape();

        assertThat(metrics).contains("grpc_server_seconds_bucket{application=\"grocer\",error=\"none\","
                + "grpc_status_code=\"OK\",rpc_method=\"SayHello\",rpc_service=\"grocer.greeter.v1.GreeterService\","
                + "rpc_type=\"UNARY\",le=\"0.005\"}");
        assertThat(metrics).contains("grpc_server_active_seconds_count{application=\"grocer\","
                + "rpc_method=\"SayHello\",rpc_service=\"grocer.greeter.v1.GreeterService\",rpc_type=\"UNARY\"} 0");
        assertThat(metrics).contains("jvm_memory_used_bytes{", "jvm_threads_live_threads{", "process_cpu_usage{");
        assertThat(metrics).doesNotContain("grpc_server_call_", "grpc_server_processing_duration",
                "grpc_server_received", "grpc_server_sent");
    }
}
