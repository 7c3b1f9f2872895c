package dev.grocer.devhboot4;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.core.annotation.Order;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import io.micrometer.core.instrument.binder.grpc.ObservationGrpcClientInterceptor;
import io.micrometer.observation.ObservationRegistry;
import net.devh.boot.grpc.client.autoconfigure.GrpcClientMicrometerTraceAutoConfiguration;
import net.devh.boot.grpc.client.interceptor.GrpcGlobalClientInterceptor;
import net.devh.boot.grpc.common.util.InterceptorOrder;

/**
 * Stands in for net.devh's {@link GrpcClientMicrometerTraceAutoConfiguration}: every channel the starter makes
 * runs its calls in a Micrometer observation ({@code grpc.client}), which a tracer turns into client spans and
 * the meter registry into a timer. The original orders itself after Boot 3's
 * {@code org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration} by name, which
 * Boot 4 moved to {@link ObservationAutoConfiguration}; on Boot 4 it runs before the observation registry
 * exists, so its {@code @ConditionalOnBean(ObservationRegistry.class)} fails. Same bean, same conditions
 * ({@code management.tracing.grpc.enabled}).
 *
 * <p>One difference: the registry is looked up at the first call, not when the interceptor is made. The starter
 * builds its channel factory, and with it the global interceptors, while bean post-processors are still being
 * registered (for {@code @GrpcClient} injection); a registry created then misses Spring Boot's configuration, so it
 * has no handlers: no client spans, no {@code traceparent} sent, no {@code grpc.client} timer.
 */
@AutoConfiguration(after = ObservationAutoConfiguration.class)
@ConditionalOnProperty(value = "management.tracing.grpc.enabled", matchIfMissing = true)
@ConditionalOnBean(ObservationRegistry.class)
public class GrpcClientObservationAutoConfiguration {

    @GrpcGlobalClientInterceptor
    @Order(InterceptorOrder.ORDER_TRACING_METRICS + 1)
    ClientInterceptor globalObservationClientInterceptorConfigurer(ObjectProvider<ObservationRegistry> observations) {
        return new ClientInterceptor() {
            private volatile ClientInterceptor observed;

            @Override
            public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(MethodDescriptor<ReqT, RespT> method,
                    CallOptions options, Channel next) {
                ClientInterceptor interceptor = observed;
                if (interceptor == null) {
                    interceptor = new ObservationGrpcClientInterceptor(observations.getObject());
                    observed = interceptor;
                }
                return interceptor.interceptCall(method, options, next);
            }
        };
    }
}
