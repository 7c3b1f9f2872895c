package dev.grocer.grpc;

import java.util.Set;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.binder.grpc.DefaultGrpcServerObservationConvention;
import io.micrometer.core.instrument.binder.grpc.GrpcObservationDocumentation.LowCardinalityKeyNames;
import io.micrometer.core.instrument.binder.grpc.GrpcServerObservationContext;
import io.micrometer.core.instrument.binder.grpc.ObservationGrpcServerInterceptor;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.observation.ObservationRegistry;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import net.devh.boot.grpc.server.interceptor.GrpcGlobalServerInterceptor;

/**
 * The one set of gRPC server metrics: Micrometer's observation of each call, published as the timer
 * {@code grpc.server} (Prometheus {@code grpc_server_seconds_count/_sum/_bucket}) tagged with
 * {@code rpc.service}, {@code rpc.method}, {@code rpc.type}, {@code grpc.status_code} and {@code error},
 * and the long-task timer {@code grpc.server.active} (calls in flight).
 *
 * <p>The starter would also count every call with its own interceptor ({@code grpc.server.processing.duration})
 * and its gRFC A66 stream tracer ({@code grpc.server.call.*}), and it registers its observation
 * interceptor inside the {@code @GrpcAdvice} exception handling, where every mapped error is tagged
 * UNKNOWN. {@code GrocerApplication} excludes the two auto-configurations that register all three; this
 * class registers the observation interceptor again, outside the exception handling
 * ({@link GrpcInterceptorOrder#OBSERVATION}).
 */
@Configuration(proxyBeanMethods = false)
class GrpcMetricsConfiguration {

    private static final String ACTIVE_CALLS = "grpc.server.active";
    private static final String STATUS_CODE = LowCardinalityKeyNames.STATUS_CODE.asString();
    /** Observation events become one counter per message; calls are what grocer counts. */
    private static final Set<String> MESSAGE_EVENT_METERS =
            Set.of("grpc.server.received", "grpc.server.sent", "grpc.server.cancelled");

    @GrpcGlobalServerInterceptor
    @Order(GrpcInterceptorOrder.OBSERVATION)
    ServerInterceptor grpcServerObservation(ObservationRegistry observations) {
        ObservationGrpcServerInterceptor interceptor = new ObservationGrpcServerInterceptor(observations);
        interceptor.setCustomConvention(new ServerConvention());
        return interceptor;
    }

    @Bean
    MeterFilter grpcServerMessageEventsFilter() {
        return MeterFilter.deny(id -> MESSAGE_EVENT_METERS.contains(id.getName()));
    }

    /** A call in flight has no status yet: the active-calls timer goes without that tag. */
    @Bean
    MeterFilter grpcServerActiveWithoutStatus() {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                return ACTIVE_CALLS.equals(id.getName()) ? id.replaceTags(Tags.of(id.getTags().stream()
                        .filter(tag -> !STATUS_CODE.equals(tag.getKey()))
                        .toList())) : id;
            }
        };
    }

    /**
     * Micrometer's convention, except for calls that end without the server closing them (the client
     * cancelled, or the deadline passed): they are CANCELLED, where the default says UNKNOWN.
     */
    static final class ServerConvention extends DefaultGrpcServerObservationConvention {
        @Override
        public KeyValues getLowCardinalityKeyValues(GrpcServerObservationContext context) {
            KeyValues values = super.getLowCardinalityKeyValues(context);
            if (context.getStatusCode() == null) {
                values = values.and(LowCardinalityKeyNames.STATUS_CODE.withValue(Status.Code.CANCELLED.name()));
            }
            return values;
        }
    }
}
