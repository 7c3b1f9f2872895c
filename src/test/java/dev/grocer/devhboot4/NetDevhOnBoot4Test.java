package dev.grocer.devhboot4;

import static dev.grocer.testing.RpcError.grocerInfo;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import dev.grocer.GrocerApplication;
import dev.grocer.greeter.v1.GreeterServiceGrpc.GreeterServiceBlockingStub;
import dev.grocer.greeter.v1.GreeterServiceGrpc;
import dev.grocer.greeter.v1.SayHelloRequest;
import dev.grocer.greeter.v1.SayHelloResponse;
import dev.grocer.testing.LogLines;
import dev.grocer.testing.RpcError;
import dev.grocer.testing.TestTokens;
import dev.grocer.user.v1.CreateUserRequest;
import dev.grocer.user.v1.GetUserRequest;
import dev.grocer.user.v1.User;
import dev.grocer.user.v1.UserServiceGrpc.UserServiceBlockingStub;
import dev.grocer.user.v1.UserServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.MetadataUtils;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import net.devh.boot.grpc.client.channelfactory.GrpcChannelConfigurer;
import net.devh.boot.grpc.client.security.CallCredentialsHelper;
import net.devh.boot.grpc.client.inject.GrpcClient;
import net.devh.boot.grpc.server.interceptor.GlobalServerInterceptorRegistry;
import net.devh.boot.grpc.server.security.interceptors.AuthorizationCheckingServerInterceptor;
import net.devh.boot.grpc.server.security.interceptors.DefaultAuthenticatingServerInterceptor;
import net.devh.boot.grpc.server.security.interceptors.ExceptionTranslatingServerInterceptor;
import net.devh.boot.grpc.server.serverfactory.GrpcServerLifecycle;
import net.devh.boot.grpc.server.service.GrpcServiceDefinition;
import net.devh.boot.grpc.server.service.GrpcServiceDiscoverer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every feature of the net.devh starters that grocer relies on, checked on the Spring Boot this build runs:
 * active, and doing its job. net.devh 3.1.0 was built for Boot 3; on Boot 4 several of its auto-configurations
 * stepped aside without a word ({@code dev.grocer.devhboot4} stands in for them), so a later upgrade of Boot or
 * of the starter that drops one more must fail here, not in production.
 *
 * <p>One server, started as a user starts it with the {@code secure} profile (gRPC over Netty, actuator over
 * HTTP, a key made for the test), plus {@link ClientSide}: stubs injected with {@code @GrpcClient}
 * on two channels configured through {@code grpc.client.*} and a {@link GrpcChannelConfigurer}.
 */
@ExtendWith(OutputCaptureExtension.class)
class NetDevhOnBoot4Test {

    private static final String GREETER = "grocer.greeter.v1.GreeterService";

    @TempDir
    static Path dir;

    private static TestTokens issuer;
    private static ConfigurableApplicationContext context;
    private static String startOutput;
    private static ManagedChannel netty;

    @BeforeAll
    static void start(CapturedOutput output) throws IOException {
        issuer = TestTokens.create(dir, "issuer");
        // The stubs are injected while the application starts, so their channels need the port beforehand.
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        int before = output.getAll().length();
        context = new SpringApplicationBuilder(GrocerApplication.class, ClientSide.class).run(
                "--spring.profiles.active=secure",
                "--spring.security.oauth2.resourceserver.jwt.public-key-location=" + issuer.publicKeyLocation(),
                "--grpc.server.port=" + port, "--grpc.server.address=127.0.0.1",
                "--server.port=0", "--server.address=127.0.0.1",
                "--grpc.client.devh.address=static://127.0.0.1:" + port,
                "--grpc.client.devh.negotiation-type=plaintext",
                "--grpc.client.tiny.address=static://127.0.0.1:" + port,
                "--grpc.client.tiny.negotiation-type=plaintext",
                "--grpc.client.tiny.max-inbound-message-size=16B",
                "--test.write-token=" + issuer.token("writer", "grocer.write"));
        startOutput = output.getAll().substring(before);
        netty = ManagedChannelBuilder.forAddress("127.0.0.1", grpcPort()).usePlaintext().build();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        netty.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        context.close();
    }

    private static int grpcPort() {
        return (Integer) context.getBean("grpcServer", HealthIndicator.class).health().getDetails().get("port");
    }

    private static SayHelloRequest hello(String name) {
        return SayHelloRequest.newBuilder().setName(name).build();
    }

    private static UserServiceBlockingStub users(String token) {
        UserServiceBlockingStub stub = UserServiceGrpc.newBlockingStub(netty);
        return token == null ? stub : stub.withCallCredentials(CallCredentialsHelper.bearerAuth(token));
    }

    private static CreateUserRequest newUser(String name) {
        return CreateUserRequest.newBuilder().setUser(User.newBuilder().setDisplayName(name)
                .setEmail(name.toLowerCase() + "-" + System.nanoTime() + "@example.com")).build();
    }

    @Test
    void start_logsNoWarningAndNoStackTrace() {
        assertThat(startOutput).contains("gRPC Server started, listening on address: 127.0.0.1");
        assertThat(LogLines.warningsAndStackTraces(startOutput)).isEmpty();
    }

    @Test
    void serverLifecycle_startsTheServer_andNettyAnswersOnTheBoundPort() {
        assertThat(context.getBeansOfType(GrpcServerLifecycle.class).values())
                .hasSize(1).allMatch(GrpcServerLifecycle::isRunning);
        assertThat(grpcPort()).isPositive();

        SayHelloResponse reply = GreeterServiceGrpc.newBlockingStub(netty).sayHello(hello("Ada"));

        assertThat(reply).isEqualTo(SayHelloResponse.newBuilder().setMessage("Hello, Ada!").build());
    }

    @Test
    void serviceDiscovery_isGrocersDiscoverer_andFindsEveryService() {
        GrpcServiceDiscoverer discoverer = context.getBean(GrpcServiceDiscoverer.class);

        assertThat(discoverer.getClass().getName()).isEqualTo("dev.grocer.grpc.server.GrpcServiceDiscovery");
        assertThat(discoverer.findGrpcServices().stream().map(GrpcServiceDefinition::getDefinition)
                .map(definition -> definition.getServiceDescriptor().getName()).sorted()).containsExactly(
                        GREETER, "grocer.order.v1.OrderService", "grocer.user.v1.UserService",
                        "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection",
                        "grpc.reflection.v1alpha.ServerReflection");
    }

    @Test
    void grpcAdvice_mapsADomainErrorToItsStatusAndDetails() {
        String id = "0190b8d2-6f1e-7c3a-9d4b-2f6c1e8a5b7d";

        RpcError error = RpcError.of(() -> users(null).getUser(GetUserRequest.newBuilder().setId(id).build()));

        assertThat(error.code()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(error.errorInfo()).isEqualTo(grocerInfo("USER_NOT_FOUND", Map.of("id", id)));
    }

    @Test
    void security_interceptorsAreRegistered() {
        List<ServerInterceptor> interceptors = context.getBean(GlobalServerInterceptorRegistry.class)
                .getServerInterceptors();

        assertThat(interceptors).filteredOn(DefaultAuthenticatingServerInterceptor.class::isInstance).hasSize(1);
        assertThat(interceptors).filteredOn(AuthorizationCheckingServerInterceptor.class::isInstance).hasSize(1);
        assertThat(interceptors).filteredOn(ExceptionTranslatingServerInterceptor.class::isInstance)
                .extracting(interceptor -> interceptor.getClass().getName())
                .containsExactly("dev.grocer.security.GrpcSecurityErrors");
    }

    @Test
    void security_readsTheToken_andChecksTheMethodsAuthority() {
        RpcError missing = RpcError.of(() -> users(null).createUser(newUser("Eve")));
        RpcError readOnly = RpcError.of(() -> users(issuer.token("reader", "grocer.read")).createUser(newUser("Bob")));
        User created = users(issuer.token("ada", "grocer.write")).createUser(newUser("Ada"));

        assertThat(missing.code()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(missing.errorInfo()).isEqualTo(grocerInfo("TOKEN_MISSING", Map.of()));
        assertThat(readOnly.code()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(readOnly.errorInfo()).isEqualTo(grocerInfo("MISSING_AUTHORITY", Map.of(
                "method", "grocer.user.v1.UserService/CreateUser", "required_authority", "SCOPE_grocer.write")));
        assertThat(created.getDisplayName()).isEqualTo("Ada");
    }

    @Test
    void grpcClient_injectsStubs_onChannelsBuiltFromTheirProperties_andConfigurers() {
        ClientSide client = context.getBean(ClientSide.class);

        // The configurer put the write token on the "devh" channel: a write goes through.
        User created = client.users.createUser(newUser("Grace"));
        // The "tiny" channel takes replies of at most 16 bytes (grpc.client.tiny.max-inbound-message-size).
        RpcError tooLarge = RpcError.of(() -> client.tinyGreeter.sayHello(hello("Ada Lovelace")));

        assertThat(created.getDisplayName()).isEqualTo("Grace");
        assertThat(ClientSide.CONFIGURED).containsExactlyInAnyOrder("devh", "tiny");
        assertThat(tooLarge.code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    }

    @Test
    void health_grpcServiceServes_andActuatorReportsTheChannels() throws Exception {
        ClientSide client = context.getBean(ClientSide.class);
        client.greeter.sayHello(hello("Ada"));

        ServingStatus serving = HealthGrpc.newBlockingStub(netty).check(HealthCheckRequest.getDefaultInstance())
                .getStatus();
        JsonNode channel = actuatorHealth().path("components").path("grpcChannel");

        assertThat(serving).isEqualTo(ServingStatus.SERVING);
        assertThat(channel.path("status").asString()).isEqualTo("UP");
        assertThat(channel.path("details").path("devh").asString()).isEqualTo("READY");
    }

    @Test
    void metrics_countServerAndClientCalls() {
        MeterRegistry registry = context.getBean(MeterRegistry.class);
        ClientSide client = context.getBean(ClientSide.class);
        Search server = registry.find("grpc.server.processing.duration").tags("service", GREETER, "method",
                "SayHello", "statusCode", "OK");
        Search clientCalls = registry.find("grpc.client.processing.duration").tags("service", GREETER, "method",
                "SayHello", "statusCode", "OK");
        Search clientA66 = registry.find("grpc.client.call.duration").tags("grpc.method", GREETER + "/SayHello",
                "grpc.status", "OK");
        Search clientObservation = registry.find("grpc.client").tags("rpc.service", GREETER, "rpc.method",
                "SayHello", "grpc.status_code", "OK");
        long[] before = {count(server), count(clientCalls), count(clientA66), count(clientObservation)};

        client.greeter.sayHello(hello("Ada"));

        // The server's timer stops when the server hears the call is complete, which can be just after the client
        // has its answer.
        long giveUp = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (count(server) == before[0] && System.nanoTime() < giveUp) {
            Thread.onSpinWait();
        }
        assertThat(new long[] {count(server), count(clientCalls), count(clientA66), count(clientObservation)})
                .containsExactly(before[0] + 1, before[1] + 1, before[2] + 1, before[3] + 1);
    }

    private static long count(Search search) {
        return search.timers().stream().mapToLong(timer -> timer.count()).sum();
    }

    private static JsonNode actuatorHealth() throws Exception {
        int port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
        HttpResponse<String> response = dev.grocer.testing.HttpApi.newClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/actuator/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return JsonMapper.builder().build().readTree(response.body());
    }

    /**
     * The client side of the test: stubs injected by {@code @GrpcClient}, and a channel configurer that records
     * each channel it configures and sends the write token on {@code devh}. A source of the application, not a
     * component, so that no other test's context scans it.
     */
    static class ClientSide {

        /** The channels the configurer was called for. */
        static final List<String> CONFIGURED = new CopyOnWriteArrayList<>();

        @GrpcClient("devh")
        GreeterServiceBlockingStub greeter;

        @GrpcClient("devh")
        UserServiceBlockingStub users;

        @GrpcClient("tiny")
        GreeterServiceBlockingStub tinyGreeter;

        /** Static: the channel factory needs it before the stubs of this class can be injected. */
        @Bean
        static GrpcChannelConfigurer recordingConfigurer(@Value("${test.write-token}") String token) {
            return (builder, name) -> {
                CONFIGURED.add(name);
                if (name.equals("devh")) {
                    Metadata headers = new Metadata();
                    headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
                    builder.intercept(MetadataUtils.newAttachHeadersInterceptor(headers));
                }
            };
        }
    }
}
