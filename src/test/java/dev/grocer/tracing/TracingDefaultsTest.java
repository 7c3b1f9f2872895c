package dev.grocer.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.grocer.grpc.server.GrpcServerTracing;
import dev.grocer.testing.TestServer;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;

/** What tracing does before anyone configures it, and when it is switched off. */
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
            assertThat(context.getEnvironment().getProperty("management.opentelemetry.resource-attributes"
                    + ".service.instance.id")).hasSize(36);
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
}
