package dev.grocer.grpc.server;

import java.util.EnumMap;
import java.util.Map;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.ApplicationListener;
import org.springframework.core.annotation.Order;

import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.grpc.MetricCollectingServerInterceptor;
import net.devh.boot.grpc.server.event.GrpcServerStartedEvent;
import net.devh.boot.grpc.server.interceptor.GrpcGlobalServerInterceptor;

/**
 * The one set of gRPC server metrics, from Micrometer's {@link MetricCollectingServerInterceptor}:
 * <ul>
 * <li>the timer {@code grpc.server.processing.duration} (Prometheus
 *     {@code grpc_server_processing_duration_seconds_count/_sum/_bucket}), one call each, tagged
 *     {@code service}, {@code method}, {@code methodType}, {@code statusCode} and {@code transport} ({@code grpc},
 *     or {@code http-json} and {@code grpc-web} for the calls that came over HTTP: {@link GrpcTransport});</li>
 * <li>the counters {@code grpc.server.requests.received} and {@code grpc.server.responses.sent}, one
 *     message each (what a stream carries);</li>
 * <li>and, from {@link InFlightCalls}, the gauge {@code grpc.server.calls.active}: calls in flight.</li>
 * </ul>
 *
 * <p>Every meter is looked up once per method, not once per call, which is why grocer uses this
 * interceptor and not Micrometer's observation one: the benchmark measured the observation (tags built,
 * meters looked up and a long-task timer started on every call) as most of grocer's cost per call.
 *
 * <p>The starter would count every call with this same interceptor and with its gRFC A66 stream tracer
 * ({@code grpc.server.call.*}), and its observation interceptor a third time, all of them inside the
 * {@code @GrpcAdvice} exception handling, where every mapped error is tagged UNKNOWN. {@code GrocerApplication}
 * excludes the auto-configurations that register them; this class registers the interceptor outside the
 * exception handling ({@link GrpcInterceptorOrder#METRICS}), where it sees the status the client sees.
 */
@Configuration(proxyBeanMethods = false)
class GrpcMetricsConfiguration {

    static final String ACTIVE_CALLS = "grpc.server.calls.active";
    /** The tag that says how a call arrived: {@code grpc}, {@code http-json} or {@code grpc-web} ({@link GrpcTransport}). */
    static final String TRANSPORT_TAG = "transport";

    @Bean
    @GrpcGlobalServerInterceptor
    @Order(GrpcInterceptorOrder.METRICS)
    TransportMetrics grpcServerMetrics(MeterRegistry registry) {
        return new TransportMetrics(registry);
    }

    /**
     * Every method's series exist from the start (at zero), so dashboards and rates have no gaps: over gRPC all of
     * them, over HTTP the unary and server-streaming ones (the only ones HTTP can call).
     */
    @Bean
    ApplicationListener<GrpcServerStartedEvent> grpcServerMetricsPreregistration(TransportMetrics metrics) {
        return event -> {
            for (ServerServiceDefinition service : event.getServer().getServices()) {
                metrics.preregister(service);
            }
        };
    }

    @Bean
    MeterBinder grpcServerActiveCalls(InFlightCalls calls) {
        return registry -> Gauge.builder(ACTIVE_CALLS, calls, InFlightCalls::size)
                .description("gRPC calls the server has started and not yet closed")
                .register(registry);
    }

    /**
     * One {@link MetricCollectingServerInterceptor} per {@link GrpcTransport}, each adding its {@code transport} tag
     * to the meters it makes, and the call handed to the one for its transport. (The interceptor builds its meters
     * once per method, so a tag that differs per call has to be a separate interceptor.)
     */
    static final class TransportMetrics implements ServerInterceptor {

        private final Map<GrpcTransport, MetricCollectingServerInterceptor> byTransport =
                new EnumMap<>(GrpcTransport.class);

        TransportMetrics(MeterRegistry registry) {
            for (GrpcTransport transport : GrpcTransport.values()) {
                byTransport.put(transport, new MetricCollectingServerInterceptor(registry,
                        counter -> counter.tag(TRANSPORT_TAG, transport.tag()),
                        timer -> timer.tag(TRANSPORT_TAG, transport.tag()),
                        Status.Code.OK));
            }
        }

        void preregister(ServerServiceDefinition service) {
            byTransport.get(GrpcTransport.GRPC).preregisterService(service);
            ServerServiceDefinition.Builder overHttp =
                    ServerServiceDefinition.builder(service.getServiceDescriptor().getName());
            for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
                MethodDescriptor.MethodType type = method.getMethodDescriptor().getType();
                if (type == MethodDescriptor.MethodType.UNARY || type == MethodDescriptor.MethodType.SERVER_STREAMING) {
                    overHttp.addMethod(method);
                }
            }
            ServerServiceDefinition httpMethods = overHttp.build();
            byTransport.get(GrpcTransport.HTTP_JSON).preregisterService(httpMethods);
            byTransport.get(GrpcTransport.GRPC_WEB).preregisterService(httpMethods);
        }

        @Override
        public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
                ServerCallHandler<ReqT, RespT> next) {
            return byTransport.get(GrpcTransport.of(call, headers)).interceptCall(call, headers, next);
        }
    }
}
