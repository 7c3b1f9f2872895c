package dev.grocer.grpc.server;

import static dev.grocer.testing.RpcError.grocerInfo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.grocer.greeter.v1.AddItemRequest;
import dev.grocer.greeter.v1.GreeterServiceGrpc;
import dev.grocer.greeter.v1.Item;
import dev.grocer.order.v1.Address;
import dev.grocer.order.v1.Order;
import dev.grocer.order.v1.OrderItem;
import dev.grocer.order.v1.OrderServiceGrpc;
import dev.grocer.order.v1.RegisterOrderRequest;
import dev.grocer.testing.RawCall;
import dev.grocer.testing.RecordingObserver;
import dev.grocer.testing.RpcError;
import dev.grocer.user.ChatRoom;
import dev.grocer.user.UserRepository;
import dev.grocer.user.v1.ChatStreamRequest;
import dev.grocer.user.v1.ChatStreamResponse;
import dev.grocer.user.v1.CreateUserRequest;
import dev.grocer.user.v1.CreateUsersResponse;
import dev.grocer.user.v1.DeleteUserRequest;
import dev.grocer.user.v1.GetUserRequest;
import dev.grocer.user.v1.User;
import dev.grocer.user.v1.UserServiceGrpc;
import com.google.type.Money;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;

/**
 * grocer's limits on the real server (Netty on a free loopback port), each set small here: message and
 * metadata size, calls per connection, and records per store. Every limit answers a canonical code; the
 * store limits also a reason, and change nothing.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
        "grpc.server.port=0",
        "grpc.server.address=127.0.0.1",
        "grpc.server.max-inbound-message-size=4KB",
        "grpc.server.max-inbound-metadata-size=2KB",
        "grocer.grpc.max-concurrent-calls-per-connection=2",
        "grocer.users.max-stored=3",
        "grocer.orders.max-stored=2",
        "grocer.greeter.max-stored-items=2",
        "grocer.orders.fulfilment.enabled=false"})
@ExtendWith(OutputCaptureExtension.class)
class GrpcLimitsTest {

    private static final Address HOME = Address.newBuilder()
            .setStreet("Main Street").setNumber("12B").setCity("Springfield").setPostalCode("SW1A 1AA").build();

    @Autowired
    GrpcServerStatus serverStatus;

    @Autowired
    UserRepository userRepository;

    @Autowired
    ChatRoom chatRoom;

    private ManagedChannel channel;

    @BeforeEach
    void connect() {
        channel = newChannel();
        for (List<dev.grocer.user.User> page = userRepository.listAfter(null, 100); !page.isEmpty();
                page = userRepository.listAfter(null, 100)) {
            page.forEach(u -> userRepository.delete(u.id(), null));
        }
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private ManagedChannel newChannel() {
        return ManagedChannelBuilder.forAddress("127.0.0.1", serverStatus.port()).usePlaintext().build();
    }

    private static CreateUserRequest user(String name, String email) {
        return CreateUserRequest.newBuilder().setUser(User.newBuilder().setDisplayName(name).setEmail(email)).build();
    }

    @Test
    void aMessageOverMaxInboundMessageSize_isResourceExhaustedAndChangesNothing(CapturedOutput output) {
        var users = UserServiceGrpc.newBlockingStub(channel);

        RpcErrorWithoutDetails error = RpcErrorWithoutDetails.of(
                () -> users.createUser(user("a".repeat(5000), "big@example.com")));

        assertThat(error.code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(error.message()).startsWith("gRPC message exceeds maximum size 4096");
        assertThat(userRepository.count()).isZero();
        assertThat(output.getAll()).doesNotContain("Exception processing message", "\tat ");
    }

    /**
     * Netty refuses the stream while decoding its headers: no grocer code runs, and grpc-java clients
     * report the refusal as INTERNAL "http2 exception". Not a grocer status, but the
     * call is refused before it costs the server anything.
     */
    @Test
    void metadataOverMaxInboundMetadataSize_isRefusedBeforeTheCallStarts() {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("x-padding", Metadata.ASCII_STRING_MARSHALLER), "p".repeat(4096));
        var users = UserServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));

        RpcErrorWithoutDetails error = RpcErrorWithoutDetails.of(
                () -> users.createUser(user("Ada", "ada@example.com")));

        assertThat(error.code()).isEqualTo(Status.Code.INTERNAL);
        assertThat(error.message()).isEqualTo("http2 exception");
        assertThat(userRepository.count()).isZero();
    }

    @Test
    void bytesThatAreNotProtobuf_areMalformedRequestOverNettyToo() {
        RawCall.Result result = RawCall.call(channel, UserServiceGrpc.getGetUserMethod(),
                List.of(new byte[] {0x00, 0x01, 0x02}), false);

        assertThat(result.status().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        RpcError error = RpcError.of(io.grpc.protobuf.StatusProto.fromStatusAndTrailers(result.status(),
                result.trailers()));
        assertThat(error.errorInfo()).isEqualTo(grocerInfo("MALFORMED_REQUEST", Map.of(
                "method", "grocer.user.v1.UserService/GetUser", "message_type", "grocer.user.v1.GetUserRequest",
                "message_index", "0")));
    }

    @Test
    void aConnectionHoldsAtMostMaxConcurrentCalls_furtherCallsWaitForAFreeOne() throws InterruptedException {
        var chat = UserServiceGrpc.newStub(channel);
        RecordingObserver<ChatStreamRequest, ChatStreamResponse> first = RecordingObserver.autoFlowControl();
        RecordingObserver<ChatStreamRequest, ChatStreamResponse> second = RecordingObserver.autoFlowControl();
        StreamObserver<ChatStreamRequest> firstSender = chat.chatStream(first);
        chat.chatStream(second);
        await().untilAsserted(() -> assertThat(chatRoom.size()).isEqualTo(2));

        // A third call on the same connection is not started on the server: it waits, here until its deadline.
        RecordingObserver<ChatStreamRequest, ChatStreamResponse> third = RecordingObserver.autoFlowControl();
        chat.withDeadlineAfter(1, TimeUnit.SECONDS).chatStream(third);
        assertThat(Status.fromThrowable(third.awaitError()).getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat(chatRoom.size()).isEqualTo(2);

        // Another connection has its own allowance.
        ManagedChannel other = newChannel();
        try {
            RecordingObserver<ChatStreamRequest, ChatStreamResponse> elsewhere = RecordingObserver.autoFlowControl();
            UserServiceGrpc.newStub(other).chatStream(elsewhere);
            await().untilAsserted(() -> assertThat(chatRoom.size()).isEqualTo(3));
        } finally {
            other.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }

        // Once a call ends, a waiting one starts.
        RecordingObserver<ChatStreamRequest, ChatStreamResponse> fourth = RecordingObserver.autoFlowControl();
        StreamObserver<ChatStreamRequest> fourthSender = chat.chatStream(fourth);
        firstSender.onCompleted();
        first.awaitCompletion();
        await().untilAsserted(() -> assertThat(chatRoom.size()).isEqualTo(2));
        fourthSender.onNext(ChatStreamRequest.newBuilder().setSender("Ada").setText("in at last").build());
        await().untilAsserted(() -> assertThat(fourth.values()).extracting(ChatStreamResponse::getText)
                .containsExactly("in at last"));
        fourthSender.onCompleted();
        fourth.awaitCompletion();
    }

    @Test
    void theUserStoreHoldsAtMostMaxStored_aBatchThatDoesNotFitCreatesNothing() {
        var users = UserServiceGrpc.newBlockingStub(channel);
        User ada = users.createUser(user("Ada", "ada@example.com"));
        users.createUser(user("Grace", "grace@example.com"));

        RecordingObserver<CreateUserRequest, CreateUsersResponse> reply = RecordingObserver.autoFlowControl();
        StreamObserver<CreateUserRequest> batch = UserServiceGrpc.newStub(channel).createUsers(reply);
        batch.onNext(user("Alan", "alan@example.com"));
        batch.onNext(user("Barbara", "barbara@example.com"));
        batch.onCompleted();
        RpcError batchError = RpcError.of(reply.awaitError());
        assertThat(userRepository.count()).isEqualTo(2);

        users.createUser(user("Alan", "alan@example.com"));
        RpcError error = RpcError.of(() -> users.createUser(user("Barbara", "barbara@example.com")));

        RpcError storeFull = new RpcError(Status.Code.RESOURCE_EXHAUSTED,
                "the store holds its maximum of 3 users; nothing was created",
                grocerInfo("STORE_FULL", Map.of("resource_type", "grocer.user.v1.User", "max_stored", "3")),
                null, null);
        assertThat(batchError).isEqualTo(storeFull);
        assertThat(error).isEqualTo(storeFull);
        assertThat(userRepository.count()).isEqualTo(3);

        // Deleting makes room again.
        users.deleteUser(DeleteUserRequest.newBuilder().setId(ada.getId()).build());
        User barbara = users.createUser(user("Barbara", "barbara@example.com"));
        assertThat(users.getUser(GetUserRequest.newBuilder().setId(barbara.getId()).build())).isEqualTo(barbara);
    }

    @Test
    void theOrderAndItemStoresHoldAtMostTheirMaximum() {
        var users = UserServiceGrpc.newBlockingStub(channel);
        var orders = OrderServiceGrpc.newBlockingStub(channel);
        var greeter = GreeterServiceGrpc.newBlockingStub(channel);
        String buyer = users.createUser(user("Buyer", "buyer@example.com")).getId();
        RegisterOrderRequest order = RegisterOrderRequest.newBuilder().setOrder(Order.newBuilder()
                .setUserId(buyer)
                .addItems(OrderItem.newBuilder().setProduct("Apple").setQuantity(1)
                        .setUnitPrice(Money.newBuilder().setCurrencyCode("EUR").setUnits(1)))
                .setDeliveryAddress(HOME)).build();
        AddItemRequest item = AddItemRequest.newBuilder().setItem(Item.newBuilder().setName("Pears").setQuantity(2))
                .build();
        orders.registerOrder(order);
        orders.registerOrder(order);
        greeter.addItem(item);
        greeter.addItem(item);

        assertThat(RpcError.of(() -> orders.registerOrder(order))).isEqualTo(new RpcError(
                Status.Code.RESOURCE_EXHAUSTED, "the store holds its maximum of 2 orders; nothing was created",
                grocerInfo("STORE_FULL", Map.of("resource_type", "grocer.order.v1.Order", "max_stored", "2")),
                null, null));
        assertThat(RpcError.of(() -> greeter.addItem(item))).isEqualTo(new RpcError(
                Status.Code.RESOURCE_EXHAUSTED, "the store holds its maximum of 2 items; nothing was created",
                grocerInfo("STORE_FULL", Map.of("resource_type", "grocer.greeter.v1.Item", "max_stored", "2")),
                null, null));
    }

    /** A status the transport answers before any grocer code runs: a code and a message, no details. */
    private record RpcErrorWithoutDetails(Status.Code code, String message) {
        static RpcErrorWithoutDetails of(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
            Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(call);
            Status status = Status.fromThrowable(thrown);
            return new RpcErrorWithoutDetails(status.getCode(), status.getDescription());
        }
    }
}
