package dev.grocer.security;

import static dev.grocer.testing.RpcError.grocerInfo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import dev.grocer.greeter.v1.GreeterServiceGrpc;
import dev.grocer.order.v1.OrderServiceGrpc;
import dev.grocer.testing.DefaultRequestCall;
import dev.grocer.testing.RpcError;
import dev.grocer.testing.TestServer;
import dev.grocer.testing.TestTokens;
import dev.grocer.user.v1.CreateUserRequest;
import dev.grocer.user.v1.GetUserRequest;
import dev.grocer.user.v1.User;
import dev.grocer.user.v1.UserServiceGrpc;
import dev.grocer.user.v1.UserServiceGrpc.UserServiceBlockingStub;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import net.devh.boot.grpc.client.security.CallCredentialsHelper;

/**
 * Bearer JWTs on the real server, started with the {@code secure} profile and a key generated for the
 * test: who may call what, and the exact status and details of each refusal. (Security off, the default,
 * is what every other test runs with; {@link SecurityOffTest} says so explicitly.)
 */
class GrpcAuthTest {

    private static final String MISSING_MESSAGE = " needs a bearer token: send the metadata 'authorization: Bearer <JWT>'";
    private static final String INVALID_MESSAGE = "the bearer token was rejected: it is malformed, expired, not yet"
            + " valid or not signed by a key this server trusts; get a new token";

    @TempDir
    static Path dir;

    private static TestTokens issuer;

    private ManagedChannel channel;

    @BeforeAll
    static void keys() {
        issuer = TestTokens.create(dir, "issuer");
    }

    private static TestServer startSecure(String... more) {
        return TestServer.start(Stream.concat(Stream.of("--spring.profiles.active=secure",
                "--spring.security.oauth2.resourceserver.jwt.public-key-location=" + issuer.publicKeyLocation()),
                Stream.of(more)).toArray(String[]::new));
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private ManagedChannel connect(TestServer server) {
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
        return channel;
    }

    private UserServiceBlockingStub users(String token) {
        UserServiceBlockingStub stub = UserServiceGrpc.newBlockingStub(channel);
        return token == null ? stub : stub.withCallCredentials(CallCredentialsHelper.bearerAuth(token));
    }

    private static CreateUserRequest newUser(String name) {
        return CreateUserRequest.newBuilder().setUser(User.newBuilder().setDisplayName(name)
                .setEmail(name.toLowerCase() + "-" + System.nanoTime() + "@example.com")).build();
    }

    private static List<MethodDescriptor<?, ?>> grocerMethods() {
        return Stream.of(UserServiceGrpc.getServiceDescriptor(), OrderServiceGrpc.getServiceDescriptor(),
                GreeterServiceGrpc.getServiceDescriptor())
                .<MethodDescriptor<?, ?>>flatMap(service -> service.getMethods().stream()).toList();
    }

    private static final List<String> WRITES = List.of("grocer.user.v1.UserService/CreateUser",
            "grocer.user.v1.UserService/UpdateUser", "grocer.user.v1.UserService/DeleteUser",
            "grocer.user.v1.UserService/CreateUsers", "grocer.user.v1.UserService/ChatStream",
            "grocer.order.v1.OrderService/RegisterOrder", "grocer.order.v1.OrderService/UpdateOrder",
            "grocer.order.v1.OrderService/CancelOrder", "grocer.greeter.v1.GreeterService/AddItem");

    private static void assertRefusedForMissingToken(DefaultRequestCall call, String method) {
        assertThat(call.status().getCode()).as(method).isEqualTo(Status.Code.UNAUTHENTICATED);
        RpcError error = RpcError.of(call.details());
        assertThat(error.message()).isEqualTo(method + MISSING_MESSAGE);
        assertThat(error.errorInfo()).isEqualTo(grocerInfo("TOKEN_MISSING", Map.of()));
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class WritesProtectedReadsOpen {

        private TestServer server;

        @BeforeAll
        void start() {
            server = startSecure();
        }

        @AfterAll
        void stop() {
            server.close();
        }

        @BeforeEach
        void connect() {
            GrpcAuthTest.this.connect(server);
        }

        @Test
        void everyMutatingRpc_withoutAToken_isUnauthenticated_andEveryReadIsOpen() {
            for (MethodDescriptor<?, ?> method : grocerMethods()) {
                DefaultRequestCall call = DefaultRequestCall.of(channel, method, CallOptions.DEFAULT);
                if (WRITES.contains(method.getFullMethodName())) {
                    assertRefusedForMissingToken(call, method.getFullMethodName());
                } else {
                    // Served: OK, or a complaint about the empty request; never an authentication failure.
                    assertThat(call.status().getCode()).as(method.getFullMethodName())
                            .isIn(Status.Code.OK, Status.Code.INVALID_ARGUMENT);
                }
            }
            assertThat(grocerMethods()).extracting(MethodDescriptor::getFullMethodName).containsAll(WRITES);
        }

        @Test
        void createUser_withAWriteToken_isServed() {
            User created = users(issuer.token("ada", "grocer.write")).createUser(newUser("Ada"));

            assertThat(users(null).getUser(GetUserRequest.newBuilder().setId(created.getId()).build()))
                    .isEqualTo(created);
        }

        @Test
        void createUser_withAWriteScopeAmongOthers_isServed() {
            assertThat(users(issuer.token("ada", "openid grocer.read grocer.write")).createUser(newUser("Ada"))
                    .getId()).isNotEmpty();
        }

        @Test
        void createUser_withAReadOnlyToken_isPermissionDenied() {
            RpcError error = RpcError.of(() -> users(issuer.token("reader", "grocer.read")).createUser(newUser("Bob")));

            assertThat(error.code()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(error.message()).isEqualTo(
                    "grocer.user.v1.UserService/CreateUser needs a token that grants 'SCOPE_grocer.write'");
            assertThat(error.errorInfo()).isEqualTo(grocerInfo("MISSING_AUTHORITY", Map.of(
                    "method", "grocer.user.v1.UserService/CreateUser", "required_authority", "SCOPE_grocer.write")));
        }

        @Test
        void createUser_withoutAToken_isUnauthenticated() {
            RpcError error = RpcError.of(() -> users(null).createUser(newUser("Eve")));

            assertThat(error.code()).isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(error.message()).isEqualTo("grocer.user.v1.UserService/CreateUser" + MISSING_MESSAGE);
            assertThat(error.errorInfo()).isEqualTo(grocerInfo("TOKEN_MISSING", Map.of()));
        }

        @Test
        void createUser_withABadToken_isUnauthenticated() {
            TestTokens stranger = TestTokens.create(dir, "stranger");
            Instant twoHoursAgo = Instant.now().minus(Duration.ofHours(2));
            String valid = issuer.token("ada", "grocer.write");
            List<String> bad = List.of(
                    "not-a-jwt",
                    valid.substring(0, valid.length() - 4) + "AAAA", // signature changed
                    stranger.token("ada", "grocer.write"), // signed by a key the server does not trust
                    issuer.token("ada", "grocer.write", twoHoursAgo, Duration.ofHours(1)), // expired an hour ago
                    issuer.token("ada", "grocer.write", Instant.now().plus(Duration.ofHours(1)), Duration.ofHours(1)), // not yet valid
                    " ");

            for (String token : bad) {
                RpcError error = RpcError.of(() -> users(token).createUser(newUser("Eve")));

                assertThat(error.code()).as(token).isEqualTo(Status.Code.UNAUTHENTICATED);
                assertThat(error.message()).isEqualTo(INVALID_MESSAGE);
                assertThat(error.errorInfo()).isEqualTo(grocerInfo("TOKEN_INVALID", Map.of()));
            }
        }

        @Test
        void healthAndReflection_areOpen() {
            assertThat(HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance()).getStatus())
                    .isEqualTo(ServingStatus.SERVING);
            assertThat(reflectServices()).contains("grocer.user.v1.UserService", "grpc.health.v1.Health");
        }

        @Test
        void actuatorProbes_areOpen() throws Exception {
            HttpClient http = dev.grocer.testing.HttpApi.newClient();
            for (String path : List.of("/actuator/health/liveness", "/actuator/health/readiness", "/actuator/info",
                    "/actuator/prometheus")) {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.httpPort() + path)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as(path).isEqualTo(200);
            }
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class ReadsProtected {

        private TestServer server;

        @BeforeAll
        void start() {
            server = startSecure("--grocer.security.protect-reads=true");
        }

        @AfterAll
        void stop() {
            server.close();
        }

        @BeforeEach
        void connect() {
            GrpcAuthTest.this.connect(server);
        }

        @Test
        void everyRpc_withoutAToken_isUnauthenticated() {
            for (MethodDescriptor<?, ?> method : grocerMethods()) {
                assertRefusedForMissingToken(DefaultRequestCall.of(channel, method, CallOptions.DEFAULT),
                        method.getFullMethodName());
            }
        }

        @Test
        void getUser_withAReadOrAWriteToken_isServed() {
            User created = users(issuer.token("ada", "grocer.write")).createUser(newUser("Ada"));
            GetUserRequest get = GetUserRequest.newBuilder().setId(created.getId()).build();

            assertThat(users(issuer.token("reader", "grocer.read")).getUser(get)).isEqualTo(created);
            assertThat(users(issuer.token("writer", "grocer.write")).getUser(get)).isEqualTo(created);
        }

        @Test
        void getUser_withATokenWithoutEitherScope_isPermissionDenied() {
            RpcError error = RpcError.of(() -> users(issuer.token("nobody", "openid profile"))
                    .getUser(GetUserRequest.newBuilder().setId("nope").build()));

            assertThat(error.code()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(error.errorInfo()).isEqualTo(grocerInfo("MISSING_AUTHORITY", Map.of(
                    "method", "grocer.user.v1.UserService/GetUser", "required_authority", "SCOPE_grocer.read")));
        }

        @Test
        void healthAndReflection_stayOpen() {
            assertThat(HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance()).getStatus())
                    .isEqualTo(ServingStatus.SERVING);
            assertThat(reflectServices()).contains("grocer.order.v1.OrderService");
            assertThat(DefaultRequestCall.of(channel, io.grpc.reflection.v1alpha.ServerReflectionGrpc.getServerReflectionInfoMethod(),
                    CallOptions.DEFAULT).status().getCode()).isEqualTo(Status.Code.OK);
        }
    }

    /** Authorities from a {@code roles} claim instead of {@code scope}, by Spring Boot's own settings. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class RolesClaim {

        private TestServer server;

        @BeforeAll
        void start() {
            server = startSecure("--spring.security.oauth2.resourceserver.jwt.authorities-claim-name=roles",
                    "--spring.security.oauth2.resourceserver.jwt.authority-prefix=ROLE_",
                    "--grocer.security.write-authority=ROLE_grocer-writer");
        }

        @AfterAll
        void stop() {
            server.close();
        }

        @Test
        void createUser_needsTheRole_notTheScope() {
            GrpcAuthTest.this.connect(server);

            assertThat(users(issuer.token("ada", Map.of("roles", List.of("grocer-writer")))).createUser(newUser("Ada"))
                    .getId()).isNotEmpty();
            RpcError scopeOnly = RpcError.of(() -> users(issuer.token("bob", "grocer.write")).createUser(newUser("Bob")));
            assertThat(scopeOnly.code()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(scopeOnly.errorInfo().getMetadataMap()).containsEntry("required_authority", "ROLE_grocer-writer");
        }
    }

    @Test
    void theSecureProfile_withoutAKey_refusesToStart() {
        assertThatThrownBy(() -> TestServer.start("--spring.profiles.active=secure").close())
                .rootCause().hasMessageContaining("grocer.security.enabled=true needs the key that signs tokens:"
                        + " set spring.security.oauth2.resourceserver.jwt.public-key-location");
    }

    private List<String> reflectServices() {
        dev.grocer.testing.RecordingObserver<ServerReflectionRequest, ServerReflectionResponse> reply =
                dev.grocer.testing.RecordingObserver.autoFlowControl();
        var requests = ServerReflectionGrpc.newStub(channel).serverReflectionInfo(reply);
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        requests.onCompleted();
        return reply.awaitSingle().getListServicesResponse().getServiceList().stream()
                .map(service -> service.getName()).toList();
    }
}
