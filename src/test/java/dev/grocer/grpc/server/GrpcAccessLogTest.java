package dev.grocer.grpc.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.grocer.greeter.v1.GreeterServiceGrpc;
import dev.grocer.greeter.v1.SayHelloRequest;
import dev.grocer.greeter.v1.SayHelloResponse;
import dev.grocer.testing.RpcError;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;

/** The access log: one line per call at DEBUG, and no work at all when DEBUG is off. */
@GrpcNettyTest
@ExtendWith(OutputCaptureExtension.class)
class GrpcAccessLogTest {

    /** The name the docs tell operators to switch on. */
    private static final String LOGGER = "dev.grocer.grpc.GrpcAccessLog";
    private static final String LINE =
            "grpc.method=%s grpc.status=%s duration_ms=\\d+\\.\\d{2} peer=127\\.0\\.0\\.1:\\d+";

    @Autowired
    GrpcServerStatus serverStatus;

    @org.springframework.boot.test.web.server.LocalServerPort
    int httpPort;

    private final LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());
    private ManagedChannel channel;

    @BeforeEach
    void connect() {
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", serverStatus.port()).usePlaintext().build();
    }

    @AfterEach
    void restoreAndDisconnect() throws InterruptedException {
        logging.setLogLevel(LOGGER, null);
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private List<String> accessLines(CapturedOutput output) {
        return output.getOut().lines().filter(line -> line.contains("grpc.method=")).toList();
    }

    @Test
    void debug_writesOneLinePerCallWithMethodStatusDurationAndPeer(CapturedOutput output) {
        logging.setLogLevel(LOGGER, LogLevel.DEBUG);
        var greeter = GreeterServiceGrpc.newBlockingStub(channel);

        SayHelloResponse hello = greeter.sayHello(SayHelloRequest.newBuilder().setName("Ada").build());
        RpcError invalid = RpcError.of(() -> greeter.sayHello(SayHelloRequest.getDefaultInstance()));

        assertThat(hello.getMessage()).isEqualTo("Hello, Ada!");
        assertThat(invalid.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        List<String> lines = accessLines(output);
        assertThat(lines).hasSize(2);
        String method = "grocer\\.greeter\\.v1\\.GreeterService/SayHello";
        assertThat(lines.get(0)).containsPattern(LINE.formatted(method, "OK"));
        assertThat(lines.get(1)).containsPattern(LINE.formatted(method, "INVALID_ARGUMENT"));
        assertThat(lines).allSatisfy(line -> assertThat(line).contains("DEBUG"));
    }

    @Test
    void debug_logsAMalformedRequestLikeAnyOtherCall(CapturedOutput output) {
        logging.setLogLevel(LOGGER, LogLevel.DEBUG);

        dev.grocer.testing.RawCall.call(channel, GreeterServiceGrpc.getSayHelloMethod(),
                List.of(new byte[] {0x00, 0x01}), false);

        assertThat(accessLines(output)).singleElement().asString().containsPattern(
                LINE.formatted("grocer\\.greeter\\.v1\\.GreeterService/SayHello", "INVALID_ARGUMENT"));
    }

    @Test
    void debug_namesTheHttpClientAsThePeerOfACallOverHttp(CapturedOutput output) {
        logging.setLogLevel(LOGGER, LogLevel.DEBUG);

        dev.grocer.testing.HttpApi.Reply reply = new dev.grocer.testing.HttpApi(httpPort).get("/v1:sayHello?name=Ada");

        assertThat(reply.status()).isEqualTo(200);
        // The HTTP client's loopback address and port, not the in-process server's name the call went through.
        assertThat(accessLines(output)).singleElement().asString().containsPattern(
                LINE.formatted("grocer\\.greeter\\.v1\\.GreeterService/SayHello", "OK") + "$");
    }

    @Test
    void info_writesNothing(CapturedOutput output) {
        logging.setLogLevel(LOGGER, LogLevel.INFO);

        GreeterServiceGrpc.newBlockingStub(channel).sayHello(SayHelloRequest.newBuilder().setName("Ada").build());

        assertThat(accessLines(output)).isEmpty();
    }

    @Test
    void info_neitherWrapsNorTimesTheCall_debugDoes() throws Exception {
        logging.setLogLevel(LOGGER, LogLevel.INFO);
        boolean sameCallWhenOff = innerSeesTheSameCall();
        logging.setLogLevel(LOGGER, LogLevel.DEBUG);
        boolean sameCallWhenOn = innerSeesTheSameCall();

        assertThat(sameCallWhenOff).isTrue();
        assertThat(sameCallWhenOn).isFalse();
    }

    /**
     * Makes one call through a server whose only interceptors are the access log and, on either side of
     * it, two that note the call they are given; tells whether the inner one got the very same call.
     */
    private boolean innerSeesTheSameCall() throws Exception {
        AtomicReference<ServerCall<?, ?>> outer = new AtomicReference<>();
        AtomicReference<ServerCall<?, ?>> inner = new AtomicReference<>();
        String name = InProcessServerBuilder.generateName();
        Server server = InProcessServerBuilder.forName(name).directExecutor()
                .addService(ServerInterceptors.intercept(new HealthStatusManager().getHealthService(),
                        noting(inner), new GrpcAccessLog(), noting(outer)))
                .build().start();
        ManagedChannel local = InProcessChannelBuilder.forName(name).directExecutor().build();
        try {
            HealthGrpc.newBlockingStub(local).check(HealthCheckRequest.getDefaultInstance());
            assertThat(outer.get()).isNotNull();
            return outer.get() == inner.get();
        } finally {
            local.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static ServerInterceptor noting(AtomicReference<ServerCall<?, ?>> seen) {
        return new ServerInterceptor() {
            @Override
            public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call,
                    Metadata headers, ServerCallHandler<ReqT, RespT> next) {
                seen.set(call);
                return next.startCall(call, headers);
            }
        };
    }
}
