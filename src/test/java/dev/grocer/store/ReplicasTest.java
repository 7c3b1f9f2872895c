package dev.grocer.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.grocer.order.v1.Address;
import dev.grocer.order.v1.CancelOrderRequest;
import dev.grocer.order.v1.GetOrderRequest;
import dev.grocer.order.v1.Order;
import dev.grocer.order.v1.OrderChange;
import dev.grocer.order.v1.OrderItem;
import dev.grocer.order.v1.OrderServiceGrpc;
import dev.grocer.order.v1.RegisterOrderRequest;
import dev.grocer.order.v1.UpdateOrderRequest;
import dev.grocer.order.v1.UpdateOrderResponse;
import dev.grocer.order.v1.WatchOrderRequest;
import dev.grocer.order.v1.WatchOrderResponse;
import dev.grocer.testing.RecordingObserver;
import dev.grocer.testing.RpcError;
import dev.grocer.testing.TestReplicas;
import dev.grocer.testing.TestServer;
import dev.grocer.user.ChatRoom;
import dev.grocer.user.v1.ChatStreamRequest;
import dev.grocer.user.v1.ChatStreamResponse;
import dev.grocer.user.v1.CreateUserRequest;
import dev.grocer.user.v1.GetUserRequest;
import dev.grocer.user.v1.UpdateUserRequest;
import dev.grocer.user.v1.User;
import dev.grocer.user.v1.UserServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;

import com.google.protobuf.FieldMask;
import com.google.type.Money;

/**
 * Two grocer servers on one PostgreSQL database behave as one service: what is written through one is read
 * through the other, and streams on one hear what happens on the other (LISTEN/NOTIFY).
 */
class ReplicasTest {

    private static TestReplicas replicas;
    private static TestServer first;
    private static TestServer second;
    private static ManagedChannel toFirst;
    private static ManagedChannel toSecond;
    private final List<StreamObserver<ChatStreamRequest>> openChats = new ArrayList<>();

    @BeforeAll
    static void start() {
        replicas = TestReplicas.start("replicas", "--grocer.orders.fulfilment.enabled=false",
                "--spring.datasource.hikari.connection-timeout=1000", "--grocer.health.refresh-interval=200ms");
        first = replicas.server(0);
        second = replicas.server(1);
        toFirst = replicas.channel(0);
        toSecond = replicas.channel(1);
    }

    @AfterAll
    static void stop() {
        if (replicas != null) {
            replicas.close();
        }
    }

    @AfterEach
    void leaveChats() {
        openChats.forEach(StreamObserver::onCompleted);
        await().until(() -> room(first).size() == 0 && room(second).size() == 0);
    }

    @Test
    void aUserCreatedThroughOneReplica_isReadAndUpdatedThroughTheOther() {
        User created = users(toFirst).createUser(CreateUserRequest.newBuilder()
                .setUser(User.newBuilder().setDisplayName("Grace Hopper").setEmail("grace@example.com")).build());

        User read = users(toSecond).getUser(GetUserRequest.newBuilder().setId(created.getId()).build());
        User renamed = users(toSecond).updateUser(UpdateUserRequest.newBuilder()
                .setUser(User.newBuilder().setId(created.getId()).setDisplayName("Rear Admiral Hopper")
                        .setEtag(read.getEtag()))
                .setUpdateMask(FieldMask.newBuilder().addPaths("display_name")).build());
        User readBack = users(toFirst).getUser(GetUserRequest.newBuilder().setId(created.getId()).build());

        assertThat(read).isEqualTo(created);
        assertThat(readBack).isEqualTo(renamed);
        assertThat(readBack.getDisplayName()).isEqualTo("Rear Admiral Hopper");
        // The first replica's copy of the old etag is stale everywhere, not only where it was changed.
        RpcError stale = RpcError.of(() -> users(toFirst).updateUser(UpdateUserRequest.newBuilder()
                .setUser(User.newBuilder().setId(created.getId()).setDisplayName("x").setEtag(created.getEtag()))
                .setUpdateMask(FieldMask.newBuilder().addPaths("display_name")).build()));
        assertThat(stale.code()).isEqualTo(Status.Code.ABORTED);
        assertThat(stale.errorInfo().getReason()).isEqualTo("ETAG_MISMATCH");
    }

    @Test
    void aChatMessageSentToOneReplica_reachesParticipantsOnBoth_inOneOrderForAll() {
        RecordingObserver<ChatStreamRequest, ChatStreamResponse> ada = RecordingObserver.autoFlowControl();
        RecordingObserver<ChatStreamRequest, ChatStreamResponse> bob = RecordingObserver.autoFlowControl();
        StreamObserver<ChatStreamRequest> adaSays = chat(toFirst, ada);
        StreamObserver<ChatStreamRequest> bobSays = chat(toSecond, bob);
        await().until(() -> room(first).size() == 1 && room(second).size() == 1);

        for (int i = 0; i < 20; i++) {
            adaSays.onNext(say("Ada", "ada " + i));
            bobSays.onNext(say("Bob", "bob " + i));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> ada.values().size() == 40 && bob.values().size() == 40);

        List<String> adaHeard = ada.values().stream().map(ChatStreamResponse::getText).toList();
        List<String> bobHeard = bob.values().stream().map(ChatStreamResponse::getText).toList();
        assertThat(adaHeard).isEqualTo(bobHeard);
        assertThat(adaHeard.stream().filter(t -> t.startsWith("ada ")).toList())
                .isEqualTo(Stream.iterate(0, i -> i + 1).limit(20).map(i -> "ada " + i).toList());
        assertThat(adaHeard.stream().filter(t -> t.startsWith("bob ")).toList())
                .isEqualTo(Stream.iterate(0, i -> i + 1).limit(20).map(i -> "bob " + i).toList());
        // The same message, with the same send time, on both replicas.
        assertThat(ada.values()).isEqualTo(bob.values());
    }

    @Test
    void whenAReplicaLosesItsListeningConnection_itsChatsEndWithUnavailable_andItRecovers() throws Exception {
        RecordingObserver<ChatStreamRequest, ChatStreamResponse> ada = RecordingObserver.autoFlowControl();
        chat(toFirst, ada);
        await().until(() -> room(first).size() == 1);

        int terminated = JdbcClient.create(replicas.postgres().dataSource())
                .sql("SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                        + " WHERE application_name = ? AND datname = 'replicas') t")
                .param(PostgresNotifications.APPLICATION_NAME).query(Integer.class).single();

        assertThat(terminated).isEqualTo(2); // one per replica
        RpcError error = RpcError.of(ada.awaitError());
        assertThat(error.code()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(error.errorInfo().getReason()).isEqualTo("CHAT_MESSAGES_MISSED");
        await().atMost(Duration.ofSeconds(15)).until(() -> readiness(first) == 200 && readiness(second) == 200);
        assertThat(first.context().getBean(PostgresNotifications.class).isListening()).isTrue();

        // Listening again: a new chat across the replicas works.
        RecordingObserver<ChatStreamRequest, ChatStreamResponse> bob = RecordingObserver.autoFlowControl();
        RecordingObserver<ChatStreamRequest, ChatStreamResponse> cy = RecordingObserver.autoFlowControl();
        StreamObserver<ChatStreamRequest> bobSays = chat(toFirst, bob);
        chat(toSecond, cy);
        await().until(() -> room(first).size() == 1 && room(second).size() == 1);
        bobSays.onNext(say("Bob", "back"));
        await().until(() -> cy.values().size() == 1 && bob.values().size() == 1);
        assertThat(cy.values().get(0).getText()).isEqualTo("back");
    }

    @Test
    void whileTheDatabaseIsUnreachable_callsAreUnavailable_andHealthIsNotServing_untilItIsBack() throws Exception {
        User created = users(toFirst).createUser(CreateUserRequest.newBuilder()
                .setUser(User.newBuilder().setDisplayName("Outage Olga").setEmail("olga@example.com")).build());
        JdbcClient admin = JdbcClient.create(replicas.postgres().dataSource());
        admin.sql("ALTER DATABASE replicas ALLOW_CONNECTIONS false").update();
        try {
            admin.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'replicas'")
                    .query().rowSet();

            RpcError error = RpcError.of(() -> users(toFirst).getUser(
                    GetUserRequest.newBuilder().setId(created.getId()).build()));
            assertThat(error.code()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(error.errorInfo().getReason()).isEqualTo("STORE_UNAVAILABLE");
            assertThat(error.message()).isEqualTo("the store is unavailable right now; retry later");
            await().atMost(Duration.ofSeconds(20)).until(() -> health(toFirst) == ServingStatus.NOT_SERVING
                    && health(toSecond) == ServingStatus.NOT_SERVING);
            assertThat(readiness(first)).isEqualTo(503);
        } finally {
            admin.sql("ALTER DATABASE replicas ALLOW_CONNECTIONS true").update();
        }

        await().atMost(Duration.ofSeconds(20)).until(() -> health(toFirst) == ServingStatus.SERVING
                && health(toSecond) == ServingStatus.SERVING);
        assertThat(readiness(first)).isEqualTo(200);
        assertThat(users(toSecond).getUser(GetUserRequest.newBuilder().setId(created.getId()).build()))
                .isEqualTo(created);
    }

    private static ServingStatus health(ManagedChannel channel) {
        return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(Duration.ofSeconds(5))
                .check(HealthCheckRequest.getDefaultInstance()).getStatus();
    }

    @Test
    void aWatchOnOneReplica_seesEveryChangeMadeThroughTheOther_once_andInOrder() {
        User buyer = users(toFirst).createUser(CreateUserRequest.newBuilder()
                .setUser(User.newBuilder().setDisplayName("Watcher Wanda").setEmail("wanda@example.com")).build());
        Order placed = orders(toFirst).registerOrder(RegisterOrderRequest.newBuilder().setOrder(Order.newBuilder()
                .setUserId(buyer.getId())
                .addItems(OrderItem.newBuilder().setProduct("Apple").setQuantity(2)
                        .setUnitPrice(Money.newBuilder().setCurrencyCode("EUR").setUnits(1).setNanos(250_000_000)))
                .setDeliveryAddress(address("Main Street"))).build());
        RecordingObserver<WatchOrderRequest, WatchOrderResponse> watch = RecordingObserver.autoFlowControl();
        OrderServiceGrpc.newStub(toSecond).watchOrder(WatchOrderRequest.newBuilder().setId(placed.getId()).build(),
                watch);
        await().until(() -> watch.values().size() == 1);

        StreamObserver<UpdateOrderRequest> moves = OrderServiceGrpc.newStub(toFirst).updateOrder(
                RecordingObserver.<UpdateOrderRequest, UpdateOrderResponse>autoFlowControl());
        moves.onNext(UpdateOrderRequest.newBuilder().setOrderId(placed.getId())
                .setDeliveryAddress(address("Harbour Road")).build());
        moves.onNext(UpdateOrderRequest.newBuilder().setOrderId(placed.getId())
                .setDeliveryAddress(address("Station Square")).build());
        moves.onCompleted();
        await().until(() -> watch.values().size() == 3);
        Order cancelled = orders(toFirst).cancelOrder(CancelOrderRequest.newBuilder().setId(placed.getId()).build());
        watch.awaitCompletion();

        assertThat(watch.values()).extracting(WatchOrderResponse::getChange).containsExactly(
                OrderChange.ORDER_CHANGE_CURRENT_STATE, OrderChange.ORDER_CHANGE_ADDRESS_UPDATED,
                OrderChange.ORDER_CHANGE_ADDRESS_UPDATED, OrderChange.ORDER_CHANGE_CANCELLED);
        assertThat(watch.values().get(0).getOrder()).isEqualTo(placed);
        assertThat(watch.values()).extracting(r -> r.getOrder().getDeliveryAddress().getStreet()).containsExactly(
                "Main Street", "Harbour Road", "Station Square", "Station Square");
        assertThat(watch.values().get(3).getOrder()).isEqualTo(cancelled);
        assertThat(orders(toSecond).getOrder(GetOrderRequest.newBuilder().setId(placed.getId()).build()))
                .isEqualTo(cancelled);
    }

    private static OrderServiceGrpc.OrderServiceBlockingStub orders(ManagedChannel channel) {
        return OrderServiceGrpc.newBlockingStub(channel).withDeadlineAfter(Duration.ofSeconds(10));
    }

    static Address address(String street) {
        return Address.newBuilder().setStreet(street).setNumber("1").setCity("Springfield").setPostalCode("12345")
                .build();
    }

    private StreamObserver<ChatStreamRequest> chat(ManagedChannel channel,
            RecordingObserver<ChatStreamRequest, ChatStreamResponse> participant) {
        StreamObserver<ChatStreamRequest> says = UserServiceGrpc.newStub(channel).chatStream(participant);
        openChats.add(says);
        return says;
    }

    private static ChatStreamRequest say(String sender, String text) {
        return ChatStreamRequest.newBuilder().setSender(sender).setText(text).build();
    }

    private static ChatRoom room(TestServer server) {
        return server.context().getBean(ChatRoom.class);
    }

    private static UserServiceGrpc.UserServiceBlockingStub users(ManagedChannel channel) {
        return UserServiceGrpc.newBlockingStub(channel).withDeadlineAfter(Duration.ofSeconds(10));
    }

    private static int readiness(TestServer server) throws Exception {
        return dev.grocer.testing.HttpApi.newClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.httpPort() + "/actuator/health/readiness")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

}
