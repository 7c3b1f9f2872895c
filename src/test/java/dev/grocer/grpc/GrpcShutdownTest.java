package dev.grocer.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import com.google.type.Money;

import dev.grocer.GrocerApplication;
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
import dev.grocer.user.v1.User;
import dev.grocer.user.v1.UserServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;

/** What clients see when the server shuts down: health turns NOT_SERVING first, open streams end. */
class GrpcShutdownTest {

    private ManagedChannel channel;

    @AfterEach
    void disconnect() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void shutdown_turnsHealthNotServingAndReadinessRefusingAndEndsOpenStreams() throws Exception {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(GrocerApplication.class).run(
                "--grpc.server.port=0", "--grpc.server.address=127.0.0.1",
                "--server.port=0", "--server.address=127.0.0.1");
        ApplicationAvailability availability = context.getBean(ApplicationAvailability.class);
        int port = context.getBean(GrpcServerStatus.class).port();
        assertThat(port).isPositive().isNotEqualTo(9090);
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        RecordingObserver<HealthCheckRequest, HealthCheckResponse> watch = RecordingObserver.autoFlowControl();
        HealthGrpc.newStub(channel).watch(
                HealthCheckRequest.newBuilder().setService("grocer.user.v1.UserService").build(), watch);
        RecordingObserver<ChatStreamRequest, ChatStreamResponse> chat = RecordingObserver.autoFlowControl();
        UserServiceGrpc.newStub(channel).chatStream(chat);
        String buyer = UserServiceGrpc.newBlockingStub(channel).createUser(CreateUserRequest.newBuilder()
                .setUser(User.newBuilder().setDisplayName("Buyer").setEmail("buyer@example.com")).build()).getId();
        Order order = OrderServiceGrpc.newBlockingStub(channel).registerOrder(RegisterOrderRequest.newBuilder()
                .setOrder(Order.newBuilder().setUserId(buyer)
                        .addItems(OrderItem.newBuilder().setProduct("Tea").setQuantity(1)
                                .setUnitPrice(Money.newBuilder().setCurrencyCode("EUR").setUnits(2)))
                        .setDeliveryAddress(Address.newBuilder().setStreet("Main Street").setNumber("1")
                                .setCity("Springfield").setPostalCode("12345")))
                .build());
        RecordingObserver<WatchOrderRequest, WatchOrderResponse> orderWatch = RecordingObserver.autoFlowControl();
        OrderServiceGrpc.newStub(channel).watchOrder(WatchOrderRequest.newBuilder().setId(order.getId()).build(),
                orderWatch);
        await().until(() -> orderWatch.values().size() == 1);
        await().until(() -> watch.values().size() == 1);
        await().until(() -> context.getBean(dev.grocer.user.ChatRoom.class).size() == 1);

        CompletableFuture<Void> closing = CompletableFuture.runAsync(context::close);
        await().until(() -> watch.values().size() == 2);
        watch.cancel(); // a watcher that saw NOT_SERVING goes elsewhere; the server then stops at once

        assertThat(watch.values()).extracting(HealthCheckResponse::getStatus)
                .containsExactly(ServingStatus.SERVING, ServingStatus.NOT_SERVING);
        RpcError chatEnded = RpcError.of(chat.awaitError());
        assertThat(chatEnded.code()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(chatEnded.errorInfo().getReason()).isEqualTo("SERVER_SHUTTING_DOWN");
        RpcError watchEnded = RpcError.of(orderWatch.awaitError());
        assertThat(watchEnded.code()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(watchEnded.errorInfo().getReason()).isEqualTo("SERVER_SHUTTING_DOWN");
        closing.get(20, TimeUnit.SECONDS);
        assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.REFUSING_TRAFFIC);
    }
}
