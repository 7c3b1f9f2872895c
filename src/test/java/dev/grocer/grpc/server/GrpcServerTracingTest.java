package dev.grocer.grpc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.google.protobuf.Any;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;

import dev.grocer.greeter.v1.GreeterServiceGrpc;
import dev.grocer.greeter.v1.SayHelloRequest;
import dev.grocer.greeter.v1.SayHelloResponse;
import dev.grocer.testing.SpanList;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;

/**
 * The server span's ending and status, through a real in-process server whose service fails on request, with the
 * OpenTelemetry SDK exporting to a list; the wire format and Spring's wiring are TracingTest's.
 */
class GrpcServerTracingTest {

    private final SpanList spanList = new SpanList();
    private final List<SpanData> exported = spanList.spans();
    private final AtomicInteger samplerAsked = new AtomicInteger();
    private final AtomicReference<SpanContext> seenByTheMethod = new AtomicReference<>();
    private final CountDownLatch hanging = new CountDownLatch(1);
    private Server server;
    private ManagedChannel channel;
    private OpenTelemetrySdk openTelemetry;

    @AfterEach
    void stop() {
        if (channel != null) {
            channel.shutdownNow();
            server.shutdownNow();
            openTelemetry.close();
        }
    }

    private GreeterServiceGrpc.GreeterServiceBlockingStub start(Sampler sampler) throws Exception {
        return start(sampler, false);
    }

    private GreeterServiceGrpc.GreeterServiceBlockingStub start(Sampler sampler, boolean rootsNeverSampled)
            throws Exception {
        openTelemetry = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().setSampler(counted(sampler))
                        .addSpanProcessor(SimpleSpanProcessor.create(spanList)).build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build();
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).directExecutor()
                .addService(ServerInterceptors.intercept(new Greeter(), new GrpcServerTracing(openTelemetry, rootsNeverSampled)))
                .build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        return GreeterServiceGrpc.newBlockingStub(channel);
    }

    /** The sampler, counting how often the SDK asks it. */
    private Sampler counted(Sampler sampler) {
        return new Sampler() {
            @Override
            public SamplingResult shouldSample(Context parent, String traceId, String name, SpanKind kind,
                    Attributes attributes, List<LinkData> links) {
                samplerAsked.incrementAndGet();
                return sampler.shouldSample(parent, traceId, name, kind, attributes, links);
            }

            @Override
            public String getDescription() {
                return sampler.getDescription();
            }
        };
    }

    /** Answers by the name it is sent: "unavailable", "hang", or anything else for OK. */
    private final class Greeter extends GreeterServiceGrpc.GreeterServiceImplBase {
        @Override
        public void sayHello(SayHelloRequest request, StreamObserver<SayHelloResponse> answer) {
            seenByTheMethod.set(Span.current().getSpanContext());
            switch (request.getName()) {
                case "unavailable" -> answer.onError(StatusProto.toStatusRuntimeException(com.google.rpc.Status
                        .newBuilder().setCode(Code.UNAVAILABLE_VALUE).setMessage("the store at db:5432 is down")
                        .addDetails(Any.pack(ErrorInfo.newBuilder().setReason("STORE_UNAVAILABLE")
                                .setDomain("grocer").build())).build()));
                case "hang" -> hanging.countDown();
                default -> {
                    answer.onNext(SayHelloResponse.newBuilder().setMessage("Hello").build());
                    answer.onCompleted();
                }
            }
        }
    }

    private static SayHelloRequest named(String name) {
        return SayHelloRequest.newBuilder().setName(name).build();
    }

    @Test
    void aServerFault_isAnErrorSpanWithGrocersReason_andNotTheStatusMessage() throws Exception {
        var greeter = start(Sampler.alwaysOn());

        assertThatThrownBy(() -> greeter.sayHello(named("unavailable"))).isInstanceOfSatisfying(
                StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));

        assertThat(exported).singleElement().satisfies(span -> {
            assertThat(span.getName()).isEqualTo("grocer.greeter.v1.GreeterService/SayHello");
            assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
            assertThat(span.getStatus().getDescription()).isEqualTo("STORE_UNAVAILABLE");
            assertThat(span.getAttributes().get(AttributeKey.longKey("rpc.grpc.status_code"))).isEqualTo(14L);
            assertThat(span.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("UNAVAILABLE");
            assertThat(span.getAttributes().get(AttributeKey.stringKey("grocer.error.reason")))
                    .isEqualTo("STORE_UNAVAILABLE");
            assertThat(span.toString()).doesNotContain("db:5432");
            assertThat(seenByTheMethod.get()).isEqualTo(span.getSpanContext());
        });
    }

    @Test
    void aCallTheClientGivesUpOn_endsItsSpanOnce_asCancelled() throws Exception {
        var greeter = start(Sampler.alwaysOn());

        assertThatThrownBy(() -> greeter.withDeadlineAfter(200, TimeUnit.MILLISECONDS).sayHello(named("hang")))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
        assertThat(hanging.await(5, TimeUnit.SECONDS)).isTrue();

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (exported.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        Thread.sleep(100);
        assertThat(exported).singleElement().satisfies(span -> {
            assertThat(span.getAttributes().get(AttributeKey.longKey("rpc.grpc.status_code"))).isEqualTo(1L);
            assertThat(span.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("CANCELLED");
            assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        });
    }

    @Test
    void aCallNotSampledWithoutACallersTrace_runsWithoutASpan() throws Exception {
        var greeter = start(Sampler.parentBased(Sampler.alwaysOff()));

        assertThat(greeter.sayHello(named("Ada")).getMessage()).isEqualTo("Hello");

        assertThat(exported).isEmpty();
        assertThat(seenByTheMethod.get().isValid()).isFalse();
    }

    @Test
    void atProbabilityZero_aCallWithoutACallersTrace_skipsTheSampler_butACallersSampledTraceIsFollowed()
            throws Exception {
        var greeter = start(Sampler.parentBased(Sampler.traceIdRatioBased(0.0)), true);

        greeter.sayHello(named("Ada"));
        assertThat(seenByTheMethod.get().isValid()).isFalse();
        assertThat(samplerAsked).hasValue(0);
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER),
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        greeter.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers)).sayHello(named("Ada"));

        assertThat(samplerAsked).hasValue(1);
        assertThat(exported).singleElement().satisfies(span -> {
            assertThat(span.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
            assertThat(span.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
        });
    }

    @Test
    void aCallersUnsampledTrace_isJoined_soLogsCarryIt_butNothingIsExported() throws Exception {
        var greeter = start(Sampler.parentBased(Sampler.alwaysOn()));
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER),
                "00-" + traceId + "-00f067aa0ba902b7-00");

        greeter.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers)).sayHello(named("Ada"));

        assertThat(exported).isEmpty();
        assertThat(seenByTheMethod.get().getTraceId()).isEqualTo(traceId);
        assertThat(seenByTheMethod.get().isSampled()).isFalse();
    }
}
