package dev.grocer.tracing;

import javax.sql.DataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;

import dev.grocer.grpc.server.GrpcInterceptorOrder;
import dev.grocer.grpc.server.GrpcServerTracing;
import dev.grocer.store.CallBoundDataSource;
import dev.grocer.store.CurrentCall;
import dev.grocer.store.NotificationTracing;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.instrumentation.jdbc.datasource.JdbcTelemetry;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import net.devh.boot.grpc.server.interceptor.GrpcGlobalServerInterceptor;

/**
 * grocer's spans, on the OpenTelemetry SDK Spring Boot sets up when tracing is on (docs/operations.md,
 * "Tracing"): a server span per gRPC call, a span per statement on the PostgreSQL store, the trace carried across
 * replicas by their notifications. With {@code management.tracing.enabled=false} none of this exists: no interceptor,
 * no wrapped data source, nothing done per call.
 */
@AutoConfiguration(afterName = "org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure"
        + ".OpenTelemetryTracingAutoConfiguration")
@ConditionalOnBean(SdkTracerProvider.class)
@ConditionalOnBooleanProperty(name = "management.tracing.enabled", matchIfMissing = true)
public class TracingAutoConfiguration {

    @Bean
    @GrpcGlobalServerInterceptor
    @Order(GrpcInterceptorOrder.TRACING)
    GrpcServerTracing grpcServerTracing(OpenTelemetry openTelemetry, Sampler sampler) {
        return new GrpcServerTracing(openTelemetry, sampler instanceof StatementSampler statements
                && statements.dropsEveryRoot());
    }

    @Bean
    NotificationTracing notificationTracing(OpenTelemetry openTelemetry) {
        return new OpenTelemetryNotificationTracing(openTelemetry);
    }

    /**
     * Puts OpenTelemetry's JDBC instrumentation around the store's data source (outside {@link CallBoundDataSource},
     * whose post-processor runs first), statements only, their text with the values taken out, for the connections
     * that can be traced ({@link StatementTracingDataSource}); and keeps statements outside any trace from starting
     * one ({@link StatementSampler}).
     */
    @Bean
    static BeanPostProcessor tracedStatements(ObjectProvider<OpenTelemetry> openTelemetry,
            ObjectProvider<CurrentCall> call) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                if (bean instanceof CallBoundDataSource dataSource) {
                    DataSource traced = JdbcTelemetry.builder(openTelemetry.getObject())
                            .setDataSourceInstrumenterEnabled(false).setStatementInstrumenterEnabled(true)
                            .setTransactionInstrumenterEnabled(true).setQuerySanitizationEnabled(true)
                            .setCaptureQueryParameters(false).build().wrap(dataSource);
                    return new StatementTracingDataSource(dataSource, traced,
                            call.getIfAvailable(() -> CurrentCall.NONE));
                }
                if (bean instanceof Sampler sampler && !(bean instanceof StatementSampler)) {
                    return new StatementSampler(sampler);
                }
                return bean;
            }
        };
    }
}
