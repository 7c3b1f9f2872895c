package dev.grocer.devhboot4;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.core.annotation.Order;

import com.google.common.base.Stopwatch;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.grpc.MetricCollectingClientInterceptor;
import net.devh.boot.grpc.client.autoconfigure.GrpcClientAutoConfiguration;
import net.devh.boot.grpc.client.autoconfigure.GrpcClientMetricAutoConfiguration;
import net.devh.boot.grpc.client.interceptor.GrpcGlobalClientInterceptor;
import net.devh.boot.grpc.client.metrics.MetricsClientInterceptor;
import net.devh.boot.grpc.common.util.InterceptorOrder;

/**
 * Stands in for net.devh's {@link GrpcClientMetricAutoConfiguration}: every channel the starter makes counts
 * its calls, with Micrometer's {@code grpc.client.processing.duration} and gRFC A66's
 * {@code grpc.client.attempt.*} and {@code grpc.client.call.duration}. The original orders itself after Boot 3's
 * {@code org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration}, which
 * Boot 4 moved to {@link CompositeMeterRegistryAutoConfiguration}; on Boot 4 it runs before the meter registry
 * exists, so its {@code @ConditionalOnBean(MeterRegistry.class)} fails and no call is counted. Same beans, same
 * conditions ({@code grpc.metricsA66Enabled}).
 */
@AutoConfiguration(after = CompositeMeterRegistryAutoConfiguration.class, before = GrpcClientAutoConfiguration.class)
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnClass(MetricCollectingClientInterceptor.class)
public class GrpcClientMetricsAutoConfiguration {

    @GrpcGlobalClientInterceptor
    @Order(InterceptorOrder.ORDER_TRACING_METRICS)
    @ConditionalOnMissingBean
    MetricCollectingClientInterceptor metricCollectingClientInterceptor(MeterRegistry registry) {
        return new MetricCollectingClientInterceptor(registry);
    }

    @GrpcGlobalClientInterceptor
    @Order(InterceptorOrder.ORDER_TRACING_METRICS)
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "grpc", name = "metricsA66Enabled", matchIfMissing = true)
    MetricsClientInterceptor metricsClientInterceptor(MeterRegistry registry) {
        return new MetricsClientInterceptor(registry, Stopwatch::createUnstarted);
    }
}
