package dev.grocer.grpc.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.TestRestTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import tools.jackson.databind.JsonNode;

import dev.grocer.grpc.GrocerServices;
import dev.grocer.testing.RecordingObserver;
import dev.grocer.testing.RpcError;
import dev.grocer.user.v1.CreateUserRequest;
import dev.grocer.user.v1.GetUserRequest;
import dev.grocer.user.v1.User;
import dev.grocer.user.v1.UserServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;

/**
 * The real server, as a user meets it: gRPC over Netty on a free loopback port (reflection, health,
 * UserService) and actuator over HTTP (health, info).
 */
@GrpcNettyTest
class GrpcPlatformTest {

    private static final List<String> SERVICES = List.of("grocer.user.v1.UserService",
            "grocer.order.v1.OrderService", "grocer.greeter.v1.GreeterService", "grpc.health.v1.Health",
            "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection");

    @Autowired
    GrpcServerStatus serverStatus;

    @Autowired
    TestRestTemplate http;

    private ManagedChannel channel;

    @BeforeEach
    void connect() {
        assertThat(serverStatus.port()).isPositive();
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", serverStatus.port()).usePlaintext().build();
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private ServerReflectionResponse reflect(ServerReflectionRequest request) {
        RecordingObserver<ServerReflectionRequest, ServerReflectionResponse> reply = RecordingObserver.autoFlowControl();
        var requests = ServerReflectionGrpc.newStub(channel).serverReflectionInfo(reply);
        requests.onNext(request);
        requests.onCompleted();
        return reply.awaitSingle();
    }

    @Test
    void reflectionV1_listsEveryServiceAndDescribesUserService() throws Exception {
        ServerReflectionResponse listed = reflect(ServerReflectionRequest.newBuilder().setListServices("").build());
        ServerReflectionResponse described = reflect(ServerReflectionRequest.newBuilder()
                .setFileContainingSymbol("grocer.user.v1.UserService").build());

        assertThat(listed.getListServicesResponse().getServiceList()).extracting(ServiceResponse::getName)
                .containsExactlyInAnyOrderElementsOf(SERVICES);
        FileDescriptorProto file = FileDescriptorProto.parseFrom(
                described.getFileDescriptorResponse().getFileDescriptorProto(0));
        assertThat(file.getName()).isEqualTo("grocer/user/v1/user_service.proto");
        assertThat(file.getService(0).getMethodList()).extracting(m -> m.getName()).containsExactly(
                "CreateUser", "GetUser", "UpdateUser", "DeleteUser", "ListUsers", "CreateUsers", "ChatStream");
    }

    @Test
    void grocerServices_namesEveryServiceServed_butHealthAndReflection() {
        assertThat(GrocerServices.ALL).extracting(ServiceDescriptor::getName).containsExactlyInAnyOrderElementsOf(
                serverStatus.services().stream().filter(name -> !name.startsWith("grpc.")).toList());
    }

    @Test
    void reflectionV1alpha_listsEveryService() {
        RecordingObserver<io.grpc.reflection.v1alpha.ServerReflectionRequest,
                io.grpc.reflection.v1alpha.ServerReflectionResponse> reply = RecordingObserver.autoFlowControl();
        var requests = io.grpc.reflection.v1alpha.ServerReflectionGrpc.newStub(channel).serverReflectionInfo(reply);
        requests.onNext(io.grpc.reflection.v1alpha.ServerReflectionRequest.newBuilder().setListServices("").build());
        requests.onCompleted();

        assertThat(reply.awaitSingle().getListServicesResponse().getServiceList())
                .extracting(io.grpc.reflection.v1alpha.ServiceResponse::getName)
                .containsExactlyInAnyOrderElementsOf(SERVICES);
    }

    @Test
    void healthService_reportsTheServerAndEachGrocerServiceServing() {
        var health = HealthGrpc.newBlockingStub(channel);

        assertThat(health.check(HealthCheckRequest.getDefaultInstance()))
                .isEqualTo(HealthCheckResponse.newBuilder().setStatus(ServingStatus.SERVING).build());
        assertThat(health.check(HealthCheckRequest.newBuilder().setService("grocer.user.v1.UserService").build())
                .getStatus()).isEqualTo(ServingStatus.SERVING);
        assertThat(RpcErrorCode.of(() -> health.check(
                HealthCheckRequest.newBuilder().setService("grocer.nope.v1.NopeService").build())))
                .isEqualTo(Status.Code.NOT_FOUND);
    }

    @Test
    void userService_answersOverNettyWithRichErrors() {
        var users = UserServiceGrpc.newBlockingStub(channel);

        User created = users.createUser(CreateUserRequest.newBuilder()
                .setUser(User.newBuilder().setDisplayName("Netty").setEmail("netty@example.com")).build());
        RpcError missing = RpcError.of(() -> users.getUser(GetUserRequest.newBuilder().setId("nope").build()));

        assertThat(users.getUser(GetUserRequest.newBuilder().setId(created.getId()).build())).isEqualTo(created);
        assertThat(missing.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(missing.violatedFields()).containsExactly("id");
    }

    @Test
    void actuatorHealth_isUpWithTheGrpcServerComponent() {
        ResponseEntity<JsonNode> health = http.getForEntity("/actuator/health", JsonNode.class);
        ResponseEntity<JsonNode> liveness = http.getForEntity("/actuator/health/liveness", JsonNode.class);
        ResponseEntity<JsonNode> readiness = http.getForEntity("/actuator/health/readiness", JsonNode.class);

        assertThat(health.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(health.getBody().path("status").asText()).isEqualTo("UP");
        JsonNode grpc = health.getBody().path("components").path("grpcServer");
        assertThat(grpc.path("status").asText()).isEqualTo("UP");
        assertThat(grpc.path("details").path("port").asInt()).isEqualTo(serverStatus.port());
        assertThat(liveness.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(liveness.getBody().path("status").asText()).isEqualTo("UP");
        assertThat(readiness.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(readiness.getBody().path("components").path("grpcServer").path("status").asText())
                .isEqualTo("UP");
    }

    @Test
    void actuatorInfo_showsTheBuildAndTheGrpcPortAndServices() {
        ResponseEntity<JsonNode> info = http.getForEntity("/actuator/info", JsonNode.class);

        assertThat(info.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(info.getBody().path("build").path("artifact").asText()).isEqualTo("grocer");
        JsonNode grpc = info.getBody().path("grpc.server");
        assertThat(grpc.path("port").asInt()).isEqualTo(serverStatus.port());
        assertThat(grpc.path("services").path("grocer.user.v1.UserService").toString()).isEqualTo(
                "[\"ChatStream\",\"CreateUser\",\"CreateUsers\",\"DeleteUser\",\"GetUser\",\"ListUsers\",\"UpdateUser\"]");
    }

    @Test
    void actuatorInfo_showsTheCommitTheBuildWasMadeFrom() throws Exception {
        Properties git = new Properties();
        try (InputStream in = getClass().getResourceAsStream("/git.properties")) {
            if (in != null) {
                git.load(in);
            }
        }

        JsonNode info = http.getForObject("/actuator/info", JsonNode.class).path("git");

        // A build without .git (a source archive, the image's build context) has no commit to show.
        if (git.getProperty("git.commit.id") == null) {
            assertThat(info.path("commit").isMissingNode()).isTrue();
        } else {
            assertThat(git.getProperty("git.commit.id")).startsWith(info.path("commit").path("id").asText());
            assertThat(info.path("commit").path("id").asText()).hasSizeGreaterThanOrEqualTo(7);
            assertThat(info.path("branch").asText()).isEqualTo(git.getProperty("git.branch"));
        }
    }

    @Test
    void actuator_exposesOnlyHealthInfoAndPrometheusOverHttp() {
        ResponseEntity<JsonNode> index = http.getForEntity("/actuator", JsonNode.class);

        assertThat(index.getStatusCode()).isEqualTo(HttpStatus.OK);
        List<String> links = new java.util.ArrayList<>();
        links.addAll(index.getBody().path("_links").propertyNames());
        assertThat(links).containsExactlyInAnyOrder("self", "health", "health-path", "info", "prometheus");
        for (String open : List.of("/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness",
                "/actuator/info", "/actuator/prometheus")) {
            assertThat(http.getForEntity(open, String.class).getStatusCode()).as(open).isEqualTo(HttpStatus.OK);
        }
        // Not exposed, and refused by the HTTP security filter even if someone exposed them by mistake.
        for (String closed : List.of("/actuator/env", "/actuator/beans", "/actuator/configprops",
                "/actuator/heapdump", "/actuator/threaddump", "/actuator/loggers", "/actuator/mappings",
                "/actuator/shutdown", "/actuator/anything-else")) {
            ResponseEntity<String> response = http.getForEntity(closed, String.class);
            assertThat(response.getStatusCode()).as(closed).isEqualTo(HttpStatus.FORBIDDEN);
            // Spring Boot's error body, which says no more than the status.
            assertThat(response.getBody()).as(closed).matches("\\{\"timestamp\":\"[^\"]+\",\"status\":403,"
                    + "\"error\":\"Forbidden\",\"path\":\"" + closed + "\"}");
        }
        // Outside actuator the paths are the application's (the API, gRPC-Web, the page): one that is none of
        // them is not found, rather than forbidden.
        assertThat(http.getForEntity("/anything-else", String.class).getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
    }

    /** The status code of a failed call, for calls whose errors carry no grocer details. */
    private static final class RpcErrorCode {
        static Status.Code of(Runnable call) {
            try {
                call.run();
            } catch (io.grpc.StatusRuntimeException e) {
                return e.getStatus().getCode();
            }
            throw new AssertionError("the call should have failed");
        }
    }
}
