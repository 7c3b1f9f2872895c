package dev.grocer.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.google.protobuf.Empty;

import dev.grocer.grpc.GrocerServices;
import dev.grocer.user.v1.CreateUserRequest;
import dev.grocer.user.v1.DeleteUserRequest;
import dev.grocer.user.v1.GetUserRequest;
import dev.grocer.user.v1.User;
import dev.grocer.user.v1.UserServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;

/**
 * The client's service config against a server that fails each method's first attempt with
 * UNAVAILABLE: idempotent reads are retried and succeed, writes are not retried, and calls without a
 * deadline of their own get the default one.
 */
class ClientServiceConfigTest {

    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    private Server server;
    private ManagedChannel channel;

    /** Fails the first attempt of each method with UNAVAILABLE; DeleteUser never answers. */
    private final class FlakyUsers extends UserServiceGrpc.UserServiceImplBase {
        private boolean firstAttempt(String method) {
            return attempts.computeIfAbsent(method, m -> new AtomicInteger()).incrementAndGet() == 1;
        }

        @Override
        public void getUser(GetUserRequest request, StreamObserver<User> response) {
            if (firstAttempt("GetUser")) {
                response.onError(Status.UNAVAILABLE.withDescription("warming up").asRuntimeException());
                return;
            }
            response.onNext(User.newBuilder().setId(request.getId()).build());
            response.onCompleted();
        }

        @Override
        public void createUser(CreateUserRequest request, StreamObserver<User> response) {
            if (firstAttempt("CreateUser")) {
                response.onError(Status.UNAVAILABLE.withDescription("warming up").asRuntimeException());
                return;
            }
            response.onNext(request.getUser());
            response.onCompleted();
        }

        @Override
        public void deleteUser(DeleteUserRequest request, StreamObserver<Empty> response) {
            attempts.computeIfAbsent("DeleteUser", m -> new AtomicInteger()).incrementAndGet();
        }
    }

    @BeforeEach
    void start() throws Exception {
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).directExecutor().addService(new FlakyUsers()).build().start();
        ClientProperties properties = new ClientProperties(ClientTarget.of("localhost:9090"), false, Duration.ofMillis(300),
                new ClientProperties.Retry(4, Duration.ofMillis(10), Duration.ofMillis(50), 2.0), null);
        // The same two calls the client profile's GrpcChannelConfigurer makes on the starter's builder.
        channel = InProcessChannelBuilder.forName(name)
                .defaultServiceConfig(ClientServiceConfig.of(properties)).enableRetry().build();
    }

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void idempotentReadsAreRetriedOnUnavailable() {
        User user = UserServiceGrpc.newBlockingStub(channel).getUser(GetUserRequest.newBuilder().setId("42").build());

        assertThat(user.getId()).isEqualTo("42");
        assertThat(attempts.get("GetUser").get()).isEqualTo(2);
    }

    @Test
    void writesAreNotRetried() {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> UserServiceGrpc.newBlockingStub(channel).createUser(CreateUserRequest.getDefaultInstance()));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(e.getStatus().getDescription()).isEqualTo("warming up");
        assertThat(attempts.get("CreateUser").get()).isEqualTo(1);
    }

    @Test
    void callsWithoutTheirOwnDeadlineGetTheDefaultOne() {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> UserServiceGrpc.newBlockingStub(channel).deleteUser(DeleteUserRequest.getDefaultInstance()));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat(attempts.get("DeleteUser").get()).isEqualTo(1);
    }

    @Test
    void theServiceConfigNamesOnlyReadsForRetry() {
        assertThat(ClientServiceConfig.IDEMPOTENT_READS).extracting(m -> m.get("method")).containsExactly(
                "GetUser", "GetOrder", "ListOrders", "SayHello", "GetItem", "ListItems");
        assertThat(ClientServiceConfig.LONG_READS).extracting(m -> m.get("method"))
                .containsExactly("ListUsers", "WatchOrder");
    }

    @Test
    void everyGrocerRpc_isClassifiedOnce_fromItsContract() {
        List<Map<String, Object>> listed = Stream.of(ClientServiceConfig.IDEMPOTENT_READS,
                ClientServiceConfig.LONG_READS, ClientServiceConfig.LONG_WRITES).flatMap(List::stream).toList();
        // The rest get the default entry: a deadline and no retry.
        List<Map<String, Object>> unlisted = GrocerServices.methods().stream()
                .<Map<String, Object>>map(m -> Map.of("service", m.getServiceName(), "method", m.getBareMethodName()))
                .filter(name -> !listed.contains(name)).toList();

        assertThat(ClientServiceConfig.LONG_WRITES).containsExactly(
                Map.of("service", "grocer.user.v1.UserService", "method", "ChatStream"));
        assertThat(unlisted).extracting(m -> m.get("method")).containsExactly("CreateUser", "UpdateUser",
                "DeleteUser", "CreateUsers", "RegisterOrder", "UpdateOrder", "CancelOrder", "AddItem");
        assertThat(listed).doesNotHaveDuplicates().hasSize(GrocerServices.methods().size() - unlisted.size());
        assertThat(listed).extracting(m -> m.get("service")).containsOnly("grocer.user.v1.UserService",
                "grocer.order.v1.OrderService", "grocer.greeter.v1.GreeterService");
    }
}
