package dev.grocer.grpc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import com.google.type.Money;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import dev.grocer.GrocerApplication;
import dev.grocer.greeter.v1.GreeterServiceGrpc;
import dev.grocer.greeter.v1.SayHelloRequest;
import dev.grocer.greeter.v1.SayHelloResponse;
import dev.grocer.order.v1.Address;
import dev.grocer.order.v1.Order;
import dev.grocer.order.v1.OrderItem;
import dev.grocer.order.v1.OrderServiceGrpc;
import dev.grocer.order.v1.RegisterOrderRequest;
import dev.grocer.order.v1.WatchOrderRequest;
import dev.grocer.order.v1.WatchOrderResponse;
import dev.grocer.testing.RecordingObserver;
import dev.grocer.testing.RpcError;
import dev.grocer.user.v1.ChatStreamRequest;
import dev.grocer.user.v1.ChatStreamResponse;
import dev.grocer.user.v1.CreateUserRequest;
import dev.grocer.user.v1.CreateUsersResponse;
import dev.grocer.user.v1.User;
import dev.grocer.user.v1.UserServiceGrpc;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;

/**
 * What clients and probes see when the server shuts down (as on SIGTERM): health turns NOT_SERVING and
 * readiness DOWN first, new calls are refused, calls in flight finish, streams end with a status.
 */
class GrpcShutdownTest {

    private ConfigurableApplicationContext context;
    private ManagedChannel channel;

    @AfterEach
    void disconnect() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (context != null) {
            context.close();
        }
    }

    private void start(String gracePeriod) {
        // Arguments, not default properties: those would lose to application.yml.
        context = new SpringApplicationBuilder(GrocerApplication.class).run("--grpc.server.port=0",
                "--grpc.server.address=127.0.0.1", "--server.port=0", "--server.address=127.0.0.1",
                "--grpc.server.shutdown-grace-period=" + gracePeriod);
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", context.getBean(GrpcServerStatus.class).port())
                .usePlaintext().build();
    }

    @Test
    void shutdown_turnsHealthAndReadinessDownFirst_refusesNewCalls_finishesCallsInFlight_endsEndlessStreams()
            throws Exception {
        start("30s");
        ApplicationAvailability availability = context.getBean(ApplicationAvailability.class);
        InFlightCalls inFlight = context.getBean(InFlightCalls.class);
        int httpPort = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
        // Streams that never end by themselves: a health watch, a chat participant, an order watch.
        RecordingObserver<HealthCheckRequest, HealthCheckResponse> healthWatch = RecordingObserver.autoFlowControl();
        HealthGrpc.newStub(channel).watch(HealthCheckRequest.getDefaultInstance(), healthWatch);
        RecordingObserver<ChatStreamRequest, ChatStreamResponse> chat = RecordingObserver.autoFlowControl();
        UserServiceGrpc.newStub(channel).chatStream(chat);
        RecordingObserver<WatchOrderRequest, WatchOrderResponse> orderWatch = RecordingObserver.autoFlowControl();
        OrderServiceGrpc.newStub(channel).watchOrder(
                WatchOrderRequest.newBuilder().setId(registerOrder().getId()).build(), orderWatch);
        // Calls in flight: a unary call whose request is still on its way (the server has started the call
        // and waits for the message), and a client stream that has sent one of its two users.
        HeldUnaryCall<SayHelloRequest, SayHelloResponse> hello = HeldUnaryCall.start(
                channel.newCall(GreeterServiceGrpc.getSayHelloMethod(), CallOptions.DEFAULT));
        RecordingObserver<CreateUserRequest, CreateUsersResponse> batch = RecordingObserver.autoFlowControl();
        StreamObserver<CreateUserRequest> batchRequests = UserServiceGrpc.newStub(channel).createUsers(batch);
        batchRequests.onNext(newUser("Ada"));
        await().until(() -> inFlight.size() == 5 && healthWatch.values().size() == 1
                && orderWatch.values().size() == 1);

        CompletableFuture<Void> closing = CompletableFuture.runAsync(context::close);
        RpcError healthWatchEnded = RpcError.of(healthWatch.awaitError());
        await().until(() -> newCallStatus() == Status.Code.UNAVAILABLE);
        JsonNode readiness = readiness(httpPort);
        hello.finish(SayHelloRequest.newBuilder().setName("Ada").build());
        batchRequests.onNext(newUser("Grace"));
        batchRequests.onCompleted();

        assertThat(healthWatch.values()).extracting(HealthCheckResponse::getStatus)
                .containsExactly(ServingStatus.SERVING, ServingStatus.NOT_SERVING);
        assertThat(healthWatchEnded.code()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(healthWatchEnded.errorInfo().getReason()).isEqualTo("SERVER_SHUTTING_DOWN");
        assertThat(readiness.path("status").asText()).isEqualTo("DOWN");
        assertThat(readiness.path("components").path("readinessState").path("status").asText())
                .isEqualTo("OUT_OF_SERVICE");
        assertThat(readiness.path("components").path("grpcServer").path("status").asText()).isEqualTo("DOWN");
        assertThat(hello.response().get(10, TimeUnit.SECONDS).getMessage()).isEqualTo("Hello, Ada!");
        CreateUsersResponse created = batch.awaitSingle();
        assertThat(created.getCreatedCount()).isEqualTo(2);
        assertThat(created.getResultsList()).extracting(result -> result.getUser().getDisplayName())
                .containsExactly("Ada", "Grace");
        for (RecordingObserver<?, ?> stream : List.of(chat, orderWatch)) {
            RpcError ended = RpcError.of(stream.awaitError());
            assertThat(ended.code()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(ended.errorInfo().getReason()).isEqualTo("SERVER_SHUTTING_DOWN");
        }
        closing.get(20, TimeUnit.SECONDS);
        assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.REFUSING_TRAFFIC);
    }

    @Test
    void shutdown_endsACallStillOpenAtTheEndOfTheGracePeriodWithAStatusNotAReset() throws Exception {
        start("1s");
        InFlightCalls inFlight = context.getBean(InFlightCalls.class);
        RecordingObserver<CreateUserRequest, CreateUsersResponse> stuck = RecordingObserver.autoFlowControl();
        UserServiceGrpc.newStub(channel).createUsers(stuck).onNext(newUser("Ada")); // and never completes
        await().until(() -> inFlight.size() == 1);

        context.close();

        // A reset carries no details; this status has the ErrorInfo of a clean close.
        RpcError ended = RpcError.of(stuck.awaitError());
        assertThat(ended.code()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(ended.errorInfo().getReason()).isEqualTo("SERVER_SHUTTING_DOWN");
        assertThat(inFlight.size()).isZero();
    }

    private Order registerOrder() {
        String buyer = UserServiceGrpc.newBlockingStub(channel).createUser(newUser("Buyer")).getId();
        return OrderServiceGrpc.newBlockingStub(channel).registerOrder(RegisterOrderRequest.newBuilder()
                .setOrder(Order.newBuilder().setUserId(buyer)
                        .addItems(OrderItem.newBuilder().setProduct("Tea").setQuantity(1)
                                .setUnitPrice(Money.newBuilder().setCurrencyCode("EUR").setUnits(2)))
                        .setDeliveryAddress(Address.newBuilder().setStreet("Main Street").setNumber("1")
                                .setCity("Springfield").setPostalCode("12345")))
                .build());
    }

    private static CreateUserRequest newUser(String name) {
        return CreateUserRequest.newBuilder()
                .setUser(User.newBuilder().setDisplayName(name).setEmail(name.toLowerCase() + "@example.com"))
                .build();
    }

    /** The status of a new SayHello call: OK while the server still takes calls. */
    private Status.Code newCallStatus() {
        try {
            GreeterServiceGrpc.newBlockingStub(channel).withDeadlineAfter(2, TimeUnit.SECONDS)
                    .sayHello(SayHelloRequest.newBuilder().setName("Late").build());
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
    }

    private static JsonNode readiness(int httpPort) throws Exception {
        HttpResponse<String> response = dev.grocer.testing.HttpApi.newClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + httpPort + "/actuator/health/readiness")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(503);
        return new ObjectMapper().readTree(response.body());
    }

    /**
     * A unary call sent in two steps: {@link #start} opens it (the server starts the call when the
     * headers arrive), {@link #finish} sends the request.
     */
    private static final class HeldUnaryCall<ReqT, RespT> extends ClientCall.Listener<RespT> {

        private final ClientCall<ReqT, RespT> call;
        private final CompletableFuture<RespT> response = new CompletableFuture<>();
        private volatile RespT message;

        private HeldUnaryCall(ClientCall<ReqT, RespT> call) {
            this.call = call;
        }

        static <ReqT, RespT> HeldUnaryCall<ReqT, RespT> start(ClientCall<ReqT, RespT> call) {
            HeldUnaryCall<ReqT, RespT> held = new HeldUnaryCall<>(call);
            call.start(held, new Metadata());
            call.request(1);
            return held;
        }

        void finish(ReqT request) {
            call.sendMessage(request);
            call.halfClose();
        }

        CompletableFuture<RespT> response() {
            return response;
        }

        @Override
        public void onMessage(RespT value) {
            message = value;
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
            if (status.isOk()) {
                response.complete(message);
            } else {
                response.completeExceptionally(status.asRuntimeException(trailers));
            }
        }
    }
}
