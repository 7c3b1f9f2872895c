package dev.grocer.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.protobuf.FieldMask;
import com.google.protobuf.TextFormat;
import com.google.protobuf.TypeRegistry;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.ResourceInfo;
import com.google.type.Money;

import dev.grocer.greeter.v1.GetItemRequest;
import dev.grocer.greeter.v1.GreeterServiceGrpc;
import dev.grocer.order.v1.Address;
import dev.grocer.order.v1.CancelOrderRequest;
import dev.grocer.order.v1.ListOrdersRequest;
import dev.grocer.order.v1.Order;
import dev.grocer.order.v1.OrderItem;
import dev.grocer.order.v1.OrderServiceGrpc;
import dev.grocer.order.v1.OrderServiceGrpc.OrderServiceBlockingStub;
import dev.grocer.order.v1.RegisterOrderRequest;
import dev.grocer.testing.TestServer;
import dev.grocer.testing.TestTokens;
import dev.grocer.user.v1.CreateUserRequest;
import dev.grocer.user.v1.DeleteUserRequest;
import dev.grocer.user.v1.GetUserRequest;
import dev.grocer.user.v1.UpdateUserRequest;
import dev.grocer.user.v1.User;
import dev.grocer.user.v1.UserServiceGrpc;
import dev.grocer.user.v1.UserServiceGrpc.UserServiceBlockingStub;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import net.devh.boot.grpc.client.security.CallCredentialsHelper;

/**
 * What an error tells a client, on the real server with tokens required: for the authentication failures
 * and a sample of domain errors, the message and every detail (ErrorInfo, BadRequest, ResourceInfo) are
 * free of stack traces and class or package names, carry grocer's details, and say nothing about another
 * user: not the id, name or orders of the user whose email or page token is involved.
 */
class ErrorHygieneTest {

    /** Text that betrays the implementation: a stack frame, a Java, Spring, gRPC or library class name. */
    private static final List<String> FORBIDDEN = List.of("Exception", "Throwable", "\tat ", ".java:", "Caused by",
            "java.", "javax.", "jakarta.", "dev.grocer", "org.springframework", "com.nimbusds", "io.grpc", "io.netty",
            "net.devh", "com.google", "$");

    private static final TypeRegistry DETAILS = TypeRegistry.newBuilder()
            .add(ErrorInfo.getDescriptor()).add(BadRequest.getDescriptor()).add(ResourceInfo.getDescriptor()).build();

    @TempDir
    static Path dir;

    private static TestTokens issuer;
    private static TestServer server;

    private ManagedChannel channel;
    private UserServiceBlockingStub anonymous;
    private UserServiceBlockingStub users;
    private OrderServiceBlockingStub orders;

    @BeforeAll
    static void start() {
        issuer = TestTokens.create(dir, "issuer");
        server = TestServer.start("--spring.profiles.active=secure",
                "--spring.security.oauth2.resourceserver.jwt.public-key-location=" + issuer.publicKeyLocation(),
                "--grocer.orders.fulfilment.enabled=false");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void connect() {
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
        anonymous = UserServiceGrpc.newBlockingStub(channel);
        var token = CallCredentialsHelper.bearerAuth(issuer.token("writer", "grocer.write"));
        users = anonymous.withCallCredentials(token);
        orders = OrderServiceGrpc.newBlockingStub(channel).withCallCredentials(token);
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    /** Everything a client receives about an error, as text: code, message, each detail in full. */
    private static String everything(ThrowingCallable call) {
        StatusRuntimeException error = catchThrowableOfType(StatusRuntimeException.class, call);
        assertThat(error).as("the call should fail").isNotNull();
        com.google.rpc.Status rich = StatusProto.fromThrowable(error);
        assertThat(rich).as("grocer's details").isNotNull();
        assertThat(rich.getDetailsList()).as("at least an ErrorInfo").isNotEmpty();
        assertThat(rich.getDetails(0).is(ErrorInfo.class)).isTrue();
        assertThat(rich.getMessage()).isEqualTo(error.getStatus().getDescription());
        try {
            assertThat(rich.getDetails(0).unpack(ErrorInfo.class).getDomain()).isEqualTo("grocer");
            return error.getStatus().getCode() + " " + TextFormat.printer().usingTypeRegistry(DETAILS)
                    .printToString(rich).replace("type.googleapis.com/google.rpc.", "");
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    private static User user(String name, String email) {
        return User.newBuilder().setDisplayName(name).setEmail(email).build();
    }

    @Test
    void errors_carryNoInternalsAndNoOtherUsersData() {
        User ada = users.createUser(CreateUserRequest.newBuilder()
                .setUser(user("Ada Secretname", "ada.hygiene@example.com")).build());
        Order adasOrder = orders.registerOrder(RegisterOrderRequest.newBuilder().setOrder(Order.newBuilder()
                .setUserId(ada.getId())
                .addItems(OrderItem.newBuilder().setProduct("Secret Cake").setQuantity(1)
                        .setUnitPrice(Money.newBuilder().setCurrencyCode("EUR").setUnits(5)))
                .setDeliveryAddress(Address.newBuilder().setStreet("Hidden Lane").setNumber("7")
                        .setCity("Privacy").setPostalCode("12345")))
                .build());
        orders.registerOrder(RegisterOrderRequest.newBuilder().setOrder(adasOrder.toBuilder().clearId()).build());
        // The token of Ada's second page: it names Ada's query and her first order, opaquely.
        String adasPageToken = orders.listOrders(ListOrdersRequest.newBuilder().setUserId(ada.getId())
                .setPageSize(1).build()).getNextPageToken();
        assertThat(adasPageToken).isNotEmpty();
        User eve = users.createUser(CreateUserRequest.newBuilder()
                .setUser(user("Eve", "eve.hygiene@example.com")).build());
        String expired = issuer.token("writer", "grocer.write", Instant.now().minus(Duration.ofHours(3)),
                Duration.ofHours(1));
        String foreign = TestTokens.create(dir, "stranger").token("writer", "grocer.write");

        List<String> errors = new ArrayList<>();
        // Authentication and authorization.
        errors.add(everything(() -> anonymous.createUser(CreateUserRequest.newBuilder()
                .setUser(user("Mallory", "m@example.com")).build())));
        for (String token : List.of("garbage", expired, foreign, issuer.token("x", "grocer.read") + "x")) {
            String error = everything(() -> anonymous.withCallCredentials(CallCredentialsHelper.bearerAuth(token))
                    .deleteUser(DeleteUserRequest.newBuilder().setId(ada.getId()).build()));
            assertThat(error).doesNotContain(token).doesNotContain("writer");
            errors.add(error);
        }
        errors.add(everything(() -> anonymous.withCallCredentials(CallCredentialsHelper.bearerAuth(
                issuer.token("reader", "grocer.read"))).deleteUser(DeleteUserRequest.newBuilder()
                        .setId(ada.getId()).build())));
        // Domain errors: bad input, unknown ids, conflicts, stale etags, foreign page tokens.
        errors.add(everything(() -> users.createUser(CreateUserRequest.newBuilder()
                .setUser(user("", "not an email")).build())));
        String emailTaken = everything(() -> users.createUser(CreateUserRequest.newBuilder()
                .setUser(user("Eve Again", "ADA.hygiene@example.com")).build()));
        errors.add(emailTaken);
        String emailTakenOnUpdate = everything(() -> users.updateUser(UpdateUserRequest.newBuilder()
                .setUser(eve.toBuilder().setEmail("ada.hygiene@example.com"))
                .setUpdateMask(FieldMask.newBuilder().addPaths("email")).build()));
        errors.add(emailTakenOnUpdate);
        errors.add(everything(() -> users.getUser(GetUserRequest.newBuilder().setId("nope").build())));
        errors.add(everything(() -> users.getUser(GetUserRequest.newBuilder()
                .setId("01890a5d-ac96-774b-bcce-b302099a8057").build())));
        errors.add(everything(() -> users.updateUser(UpdateUserRequest.newBuilder()
                .setUser(eve.toBuilder().setDisplayName("Eve 2").setEtag("stale")).build())));
        errors.add(everything(() -> orders.cancelOrder(CancelOrderRequest.newBuilder()
                .setId("01890a5d-ac96-774b-bcce-b302099a8057").build())));
        String foreignPage = everything(() -> orders.listOrders(ListOrdersRequest.newBuilder()
                .setUserId(eve.getId()).setPageToken(adasPageToken).build()));
        errors.add(foreignPage);
        errors.add(everything(() -> orders.listOrders(ListOrdersRequest.newBuilder()
                .setPageToken(adasPageToken + "tampered").build())));
        errors.add(everything(() -> orders.registerOrder(RegisterOrderRequest.newBuilder()
                .setOrder(Order.newBuilder().setUserId(eve.getId())).build())));
        errors.add(everything(() -> GreeterServiceGrpc.newBlockingStub(channel)
                .getItem(GetItemRequest.newBuilder().setId("x").build())));

        assertThat(errors).hasSize(17);
        for (String error : errors) {
            for (String forbidden : FORBIDDEN) {
                assertThat(error).as(error).doesNotContain(forbidden);
            }
            // Nothing of Ada's beyond what the caller itself sent (her email, her user id in a DeleteUser).
            assertThat(error).as(error).doesNotContain("Secretname", "Secret Cake", "Hidden Lane", adasOrder.getId(),
                    adasPageToken);
        }
        for (String error : List.of(emailTaken, emailTakenOnUpdate, foreignPage)) {
            assertThat(error).as(error).doesNotContain(ada.getId());
        }
        assertThat(emailTaken).startsWith(Status.Code.ALREADY_EXISTS.name());
        assertThat(foreignPage).startsWith(Status.Code.INVALID_ARGUMENT.name());
    }
}
