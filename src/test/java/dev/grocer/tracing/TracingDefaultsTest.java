package dev.grocer.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.grocer.greeter.v1.GreeterServiceGrpc;
import dev.grocer.greeter.v1.SayHelloRequest;
import dev.grocer.grpc.server.GrpcServerTracing;
import dev.grocer.testing.TestServer;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;

/** What tracing does before anyone configures it, and when it is switched off. */
@ExtendWith(OutputCaptureExtension.class)
class TracingDefaultsTest {

    @Test
    void withoutAnEndpoint_callsAreTracedButNotSampled_andNothingIsExported() {
        try (TestServer server = TestServer.start()) {
            var context = server.context();
            assertThat(context.getBeansOfType(GrpcServerTracing.class)).hasSize(1);
            assertThat(context.getBeansOfType(SpanExporter.class)).isEmpty();
            assertThat(context.getBean(Sampler.class).getDescription())
                    .isEqualTo("StatementSampler{ParentBased{root:TraceIdRatioBased{0.000000},"
                            + "remoteParentSampled:AlwaysOnSampler,remoteParentNotSampled:AlwaysOffSampler,"
                            + "localParentSampled:AlwaysOnSampler,localParentNotSampled:AlwaysOffSampler}}");
            assertThat(server.instanceId()).hasSize(36);
        }
    }

    @Test
    void aSetProbability_isKept() {
        try (TestServer server = TestServer.start("--management.tracing.sampling.probability=0.25")) {
            assertThat(server.context().getBean(Sampler.class).getDescription())
                    .startsWith("StatementSampler{ParentBased{root:TraceIdRatioBased{0.250000}");
        }
    }

    @Test
    void switchedOff_thereIsNoInterceptorAndNoNotificationTracing() {
        try (TestServer server = TestServer.start("--management.tracing.enabled=false")) {
            var context = server.context();
            assertThat(context.getBeansOfType(GrpcServerTracing.class)).isEmpty();
            assertThat(context.getBeansOfType(dev.grocer.store.NotificationTracing.class)).isEmpty();
        }
    }

    @Test
    void jsonLogs_carryTheCallsTraceAndSpanIds_evenWithNothingExported(CapturedOutput output) {
        TracingTest.Caller caller = TracingTest.Caller.random();
        try (TestServer server = TestServer.start("--logging.structured.format.console=ecs",
                "--logging.level.dev.grocer.grpc.GrpcAccessLog=DEBUG")) {
            // Spring Boot passes the format to Logback as a system property, which would outlive this server and
            // turn the logs of every later test in this JVM into JSON.
            System.clearProperty("CONSOLE_LOG_STRUCTURED_FORMAT");
            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext()
                    .build();
            try {
                GreeterServiceGrpc.newBlockingStub(channel)
                        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(caller.headers(true)))
                        .sayHello(SayHelloRequest.newBuilder().setName("Json").build());
            } finally {
                channel.shutdownNow();
            }
        }
        List<String> lines = output.getOut().lines().filter(line -> line.contains("GreeterService/SayHello")).toList();
        // The call's trace (the caller's) and its own span, which nothing exports here: there is no endpoint.
        assertThat(lines).singleElement().asString().contains("\"traceId\":\"" + caller.traceId() + "\"")
                .containsPattern("\"spanId\":\"[0-9a-f]{16}\"").doesNotContain(caller.spanId());
    }
}
