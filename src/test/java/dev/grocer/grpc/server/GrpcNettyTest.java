package dev.grocer.grpc.server;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.concurrent.atomic.AtomicReference;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureTestRestTemplate;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * The real server, as operators and clients meet it: gRPC over Netty and actuator over HTTP, each on a
 * free loopback port, with the Prometheus registry (tests switch metrics export off unless asked; @AutoConfigureMetrics asks) and a TestRestTemplate for the HTTP side. Every
 * class with this annotation shares one context. Readiness includes {@link SwitchableHealth}, a health
 * component tests can turn DOWN, and is re-evaluated every 100 ms.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "grpc.server.port=0",
        "grpc.server.address=127.0.0.1",
        "server.address=127.0.0.1",
        "grocer.health.refresh-interval=100ms",
        "management.endpoint.health.group.readiness.include=readinessState,grpcServer,switchable"})
@AutoConfigureMetrics
@AutoConfigureTestRestTemplate
@Import(GrpcNettyTest.SwitchableHealthConfiguration.class)
@interface GrpcNettyTest {

    /** Registers {@link SwitchableHealth} as the health component {@code switchable}. */
    @TestConfiguration(proxyBeanMethods = false)
    class SwitchableHealthConfiguration {
        @Bean("switchable")
        SwitchableHealth switchable() {
            return new SwitchableHealth();
        }
    }

    /** A health component standing for something grocer depends on; tests switch it DOWN and back. */
    class SwitchableHealth implements HealthIndicator {

        private final AtomicReference<Status> status = new AtomicReference<>(Status.UP);

        void set(Status newStatus) {
            status.set(newStatus);
        }

        @Override
        public Health health() {
            return Health.status(status.get()).build();
        }
    }
}
