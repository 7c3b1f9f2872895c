package dev.grocer.grpc.server;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.ApplicationListener;
import org.springframework.core.annotation.Order;

import io.grpc.ServerServiceDefinition;
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
 *     {@code service}, {@code method}, {@code methodType} and {@code statusCode};</li>
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

    @Bean
    @GrpcGlobalServerInterceptor
    @Order(GrpcInterceptorOrder.METRICS)
    MetricCollectingServerInterceptor grpcServerMetrics(MeterRegistry registry) {
        return new MetricCollectingServerInterceptor(registry);
    }

    /** Every method's series exist from the start (at zero), so dashboards and rates have no gaps. */
    @Bean
    ApplicationListener<GrpcServerStartedEvent> grpcServerMetricsPreregistration(
            MetricCollectingServerInterceptor metrics) {
        return event -> {
            for (ServerServiceDefinition service : event.getServer().getServices()) {
                metrics.preregisterService(service);
            }
        };
    }

    @Bean
    MeterBinder grpcServerActiveCalls(InFlightCalls calls) {
        return registry -> Gauge.builder(ACTIVE_CALLS, calls, InFlightCalls::size)
                .description("gRPC calls the server has started and not yet closed")
                .register(registry);
    }
}
