package dev.grocer.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import dev.grocer.GrocerApplication;
import dev.grocer.greeter.v1.GreeterServiceGrpc;
import dev.grocer.greeter.v1.SayHelloRequest;
import dev.grocer.testing.OtlpReceiver;
import dev.grocer.testing.OtlpReceiver.Received;
import dev.grocer.testing.TestServer;
import dev.grocer.user.v1.CreateUserRequest;
import dev.grocer.user.v1.GetUserRequest;
import dev.grocer.user.v1.ListUsersRequest;
import dev.grocer.user.v1.User;
import dev.grocer.user.v1.UserServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.opentelemetry.proto.trace.v1.Status.StatusCode;

/**
 * Traces over the wire: grocer (memory store) exports to a real OTLP/HTTP receiver, calls carry a known W3C
 * {@code traceparent}, and the test reads back exactly what was exported.
 */
@ExtendWith(OutputCaptureExtension.class)
class TracingTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Metadata.Key<String> TRACEPARENT = Metadata.Key.of("traceparent",
            Metadata.ASCII_STRING_MARSHALLER);

    private static OtlpReceiver receiver;
    private static TestServer server;
    private static ManagedChannel channel;

    @BeforeAll
    static void start() {
        receiver = OtlpReceiver.start();
        server = TestServer.start("--management.opentelemetry.tracing.export.otlp.endpoint=" + receiver.endpoint(),
                "--management.opentelemetry.tracing.export.schedule-delay=50ms",
                "--grocer.orders.fulfilment.step-delay=1s", "--logging.level.dev.grocer.grpc.GrpcAccessLog=DEBUG");
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
    }

    @AfterAll
    static void stop() {
        channel.shutdownNow();
        server.close();
        receiver.close();
    }

    @BeforeEach
    void forget() {
        receiver.clear();
    }

    /** A caller's span: a trace id and span id of its own. */
    record Caller(String traceId, String spanId) {
        static Caller random() {
            java.util.HexFormat hex = java.util.HexFormat.of();
            java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
            return new Caller(hex.toHexDigits(random.nextLong() | 1) + hex.toHexDigits(random.nextLong()),
                    hex.toHexDigits(random.nextLong() | 1));
        }

        String traceparent(boolean sampled) {
            return "00-" + traceId + "-" + spanId + (sampled ? "-01" : "-00");
        }

        Metadata headers(boolean sampled) {
            Metadata headers = new Metadata();
            headers.put(TRACEPARENT, traceparent(sampled));
            return headers;
        }
    }

    private <S extends io.grpc.stub.AbstractStub<S>> S with(S stub, Caller caller) {
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(caller.headers(true)));
    }

    private Received serverSpan(Caller caller) throws InterruptedException {
        return receiver.awaitOne(s -> s.traceId().equals(caller.traceId()) && s.span().getKind() == SpanKind.SPAN_KIND_SERVER,
                WAIT);
    }

    @Test
    void aUnaryCall_isAServerSpanChildOfTheCallersSpan() throws InterruptedException {
        Caller caller = Caller.random();
        with(GreeterServiceGrpc.newBlockingStub(channel), caller)
                .sayHello(SayHelloRequest.newBuilder().setName("Ada").build());

        Received span = serverSpan(caller);
        assertThat(span.name()).isEqualTo("grocer.greeter.v1.GreeterService/SayHello");
        assertThat(span.parentSpanId()).isEqualTo(caller.spanId());
        assertThat(span.attributes()).containsEntry("rpc.system", "grpc")
                .containsEntry("rpc.service", "grocer.greeter.v1.GreeterService")
                .containsEntry("rpc.method", "SayHello")
                .containsEntry("rpc.grpc.status_code", "0")
                .doesNotContainKeys("error.type", "grocer.error.reason");
        assertThat(span.span().getStatus().getCode()).isEqualTo(StatusCode.STATUS_CODE_UNSET);
    }
    @Test
    void anHttpJsonCall_isTheHttpRequestsSpanWithTheCallsServerSpanAsItsChild() throws InterruptedException {
        Caller caller = Caller.random();
        dev.grocer.testing.HttpApi.Reply reply = new dev.grocer.testing.HttpApi(server.httpPort())
                .get("/v1:sayHello?name=Ada", "traceparent", caller.traceparent(true));
        assertThat(reply.status()).isEqualTo(200);

        Received http = receiver.awaitOne(s -> s.traceId().equals(caller.traceId())
                && s.parentSpanId().equals(caller.spanId()), WAIT);
        Received call = receiver.awaitOne(s -> s.traceId().equals(caller.traceId())
                && s.name().equals("grocer.greeter.v1.GreeterService/SayHello"), WAIT);
        assertThat(receiver.spans().stream().filter(s -> s.traceId().equals(caller.traceId()))).hasSize(2);
        assertThat(http.span().getKind()).isEqualTo(SpanKind.SPAN_KIND_SERVER);
        assertThat(http.name()).isEqualTo("http get /v1:sayHello");
        assertThat(call.name()).isEqualTo("grocer.greeter.v1.GreeterService/SayHello");
        assertThat(call.spanId()).isNotEqualTo(http.spanId());
        assertThat(call.parentSpanId()).isEqualTo(http.spanId());
        assertThat(call.attributes()).containsEntry("rpc.grpc.status_code", "0");
    }

    @Test
    void aServerStream_isOneSpanThatEndsWithTheStream() throws InterruptedException {
        UserServiceGrpc.UserServiceBlockingStub users = UserServiceGrpc.newBlockingStub(channel);
        for (int i = 0; i < 3; i++) {
            users.createUser(CreateUserRequest.newBuilder().setUser(User.newBuilder().setDisplayName("Streamed " + i)
                    .setEmail("streamed" + i + "-" + System.nanoTime() + "@example.com")).build());
        }
        Caller caller = Caller.random();
        Iterator<dev.grocer.user.v1.ListUsersResponse> listed = with(users, caller).listUsers(ListUsersRequest.getDefaultInstance());
        int count = 0;
        while (listed.hasNext()) {
            listed.next();
            count++;
        }

        Received span = serverSpan(caller);
        assertThat(count).isGreaterThanOrEqualTo(3);
        assertThat(span.name()).isEqualTo("grocer.user.v1.UserService/ListUsers");
        assertThat(span.parentSpanId()).isEqualTo(caller.spanId());
        assertThat(span.attributes()).containsEntry("rpc.method", "ListUsers").containsEntry("rpc.grpc.status_code", "0");
        assertThat(receiver.spans()).filteredOn(s -> s.traceId().equals(caller.traceId())).hasSize(1);
    }

    @Test
    void aFailedCall_recordsTheCodeAndGrocersReason_butNoRequestData() throws InterruptedException {
        Caller caller = Caller.random();
        String missing = "0190f0f0-0000-7000-8000-000000000042";
        assertThatThrownBy(() -> with(UserServiceGrpc.newBlockingStub(channel), caller)
                .getUser(GetUserRequest.newBuilder().setId(missing).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));

        Received span = serverSpan(caller);
        assertThat(span.name()).isEqualTo("grocer.user.v1.UserService/GetUser");
        assertThat(span.attributes()).containsEntry("rpc.grpc.status_code", "5")
                .containsEntry("error.type", "NOT_FOUND")
                .containsEntry("grocer.error.reason", "USER_NOT_FOUND");
        // NOT_FOUND is the caller's mistake, not the server's: the span's status stays unset.
        assertThat(span.span().getStatus().getCode()).isEqualTo(StatusCode.STATUS_CODE_UNSET);
        assertThat(span.span().getStatus().getMessage()).isEmpty();
        assertThat(span.span().getEventsList()).isEmpty();
        assertThat(span.attributes().values()).noneMatch(value -> value.contains(missing));
    }

    @Test
    void aBadRequest_isInvalidArgumentWithItsReason() throws InterruptedException {
        Caller caller = Caller.random();
        assertThatThrownBy(() -> with(UserServiceGrpc.newBlockingStub(channel), caller)
                .createUser(CreateUserRequest.newBuilder().setUser(User.newBuilder().setDisplayName("Secret Name")
                        .setEmail("not-an-email")).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));

        Received span = serverSpan(caller);
        assertThat(span.attributes()).containsEntry("rpc.grpc.status_code", "3")
                .containsEntry("error.type", "INVALID_ARGUMENT")
                .containsEntry("grocer.error.reason", "INVALID_ARGUMENT");
        assertThat(span.toString()).doesNotContain("not-an-email").doesNotContain("Secret Name");
    }

    @Test
    void aCallerThatDidNotSample_getsNoSpanExported() throws InterruptedException {
        Caller unsampled = Caller.random();
        GreeterServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(unsampled.headers(false)))
                .sayHello(SayHelloRequest.newBuilder().setName("Quiet").build());
        // A sampled call after it: once its span is in, the unsampled one would have been too.
        Caller sampled = Caller.random();
        with(GreeterServiceGrpc.newBlockingStub(channel), sampled)
                .sayHello(SayHelloRequest.newBuilder().setName("Loud").build());

        serverSpan(sampled);
        assertThat(receiver.spans()).noneMatch(s -> s.traceId().equals(unsampled.traceId()));
    }

    @Test
    void aCallWithoutATrace_startsOne_sampledWhenAnEndpointIsSet() throws InterruptedException {
        GreeterServiceGrpc.newBlockingStub(channel).sayHello(SayHelloRequest.newBuilder().setName("Root").build());

        Received span = receiver.awaitOne(s -> s.name().equals("grocer.greeter.v1.GreeterService/SayHello"), WAIT);
        assertThat(span.parentSpanId()).isEmpty();
        assertThat(span.traceId()).hasSize(32).isNotEqualTo("0".repeat(32));
    }

    @Test
    void theAccessLogLine_carriesTheCallsTraceAndSpanIds(CapturedOutput output) throws InterruptedException {
        Caller caller = Caller.random();
        with(GreeterServiceGrpc.newBlockingStub(channel), caller)
                .sayHello(SayHelloRequest.newBuilder().setName("Logged").build());

        Received span = serverSpan(caller);
        List<String> lines = output.getOut().lines()
                .filter(line -> line.contains("grpc.method=grocer.greeter.v1.GreeterService/SayHello")
                        && line.contains(caller.traceId())).toList();
        assertThat(lines).singleElement().asString()
                .contains("[" + caller.traceId() + "-" + span.spanId() + "]");
    }

    @Test
    void eachFulfilmentStep_isASpanOfItsOwn() throws InterruptedException {
        String userId = UserServiceGrpc.newBlockingStub(channel).createUser(CreateUserRequest.newBuilder()
                .setUser(User.newBuilder().setDisplayName("Fulfilled").setEmail("fulfilled-" + System.nanoTime()
                        + "@example.com")).build()).getId();
        String orderId = dev.grocer.order.v1.OrderServiceGrpc.newBlockingStub(channel)
                .registerOrder(dev.grocer.order.OrderTestData.groceries(userId)).getId();

        List<Received> steps = receiver.await(s -> s.name().equals("fulfilment step")
                && orderId.equals(s.attribute("order.id")), 3, Duration.ofSeconds(20));
        assertThat(steps).extracting(s -> s.attribute("order.status.from"))
                .containsExactly("PLACED", "PREPARING", "OUT_FOR_DELIVERY");
        assertThat(steps).allSatisfy(s -> assertThat(s.parentSpanId()).isEmpty());
    }

    @Test
    void probesAndScrapes_makeNoSpans() throws Exception {
        java.net.http.HttpClient http = dev.grocer.testing.HttpApi.newClient();
        for (String path : List.of("/actuator/health/readiness", "/actuator/health/liveness", "/actuator/prometheus")) {
            java.net.http.HttpResponse<String> response = http.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + server.httpPort() + path)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(path).isEqualTo(200);
        }
        Caller after = Caller.random();
        with(GreeterServiceGrpc.newBlockingStub(channel), after).sayHello(SayHelloRequest.newBuilder().setName("After")
                .build());

        serverSpan(after);
        // Only gRPC calls' spans (a late one of an earlier test's may arrive too): nothing of HTTP or security.
        assertThat(receiver.spans()).extracting(Received::name).contains("grocer.greeter.v1.GreeterService/SayHello")
                .allMatch(name -> name.startsWith("grocer."));
    }

    @Test
    void theClientProfile_sendsItsSpansAndItsTrace_soEachServerSpanIsItsChild() throws InterruptedException {
        ConfigurableApplicationContext client = new SpringApplicationBuilder(GrocerApplication.class).profiles("client")
                .run("--grocer.client.target=127.0.0.1:" + server.grpcPort(),
                        "--management.opentelemetry.tracing.export.otlp.endpoint=" + receiver.endpoint(),
                        "--management.opentelemetry.tracing.export.schedule-delay=50ms");
        String clientInstance = client.getEnvironment()
                .getProperty("management.opentelemetry.resource-attributes.service.instance.id");
        assertThat(SpringApplication.exit(client)).isZero();

        Received clientSpan = receiver.awaitOne(s -> s.span().getKind() == SpanKind.SPAN_KIND_CLIENT
                && s.name().equals("grocer.user.v1.UserService/CreateUser"), WAIT);
        Received serverSpan = receiver.awaitOne(s -> s.span().getKind() == SpanKind.SPAN_KIND_SERVER
                && s.parentSpanId().equals(clientSpan.spanId()), WAIT);
        assertThat(clientSpan.resource()).containsEntry("service.instance.id", clientInstance);
        assertThat(serverSpan.traceId()).isEqualTo(clientSpan.traceId());
        assertThat(serverSpan.name()).isEqualTo("grocer.user.v1.UserService/CreateUser");
        assertThat(serverSpan.resource().get("service.instance.id")).isNotEqualTo(clientInstance)
                .isEqualTo(server.instanceId());
    }
}
