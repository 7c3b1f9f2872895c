package dev.grocer;

import java.time.Clock;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import net.devh.boot.grpc.client.autoconfigure.GrpcClientHealthAutoConfiguration;
import net.devh.boot.grpc.client.autoconfigure.GrpcClientMetricAutoConfiguration;
import net.devh.boot.grpc.client.autoconfigure.GrpcClientMicrometerTraceAutoConfiguration;
import net.devh.boot.grpc.server.autoconfigure.GrpcServerMetricAutoConfiguration;
import net.devh.boot.grpc.server.autoconfigure.GrpcServerMicrometerTraceAutoConfiguration;
import net.devh.boot.grpc.server.autoconfigure.GrpcServerSecurityAutoConfiguration;

/**
 * Starts grocer: the gRPC server on 9090 and actuator over HTTP on 8080; or, with the {@code client}
 * profile, the client demo or shell against a running server.
 *
 * <p>Excluded from the net.devh starters: the gRPC server metric and trace auto-configurations, so that each
 * call is counted once, by the interceptor {@code dev.grocer.grpc.server.GrpcMetricsConfiguration} registers; and four
 * that name Spring Boot 3 classes, for which {@code dev.grocer.devhboot4} stands in on Boot 4.
 */
@SpringBootApplication(exclude = {
        GrpcServerMetricAutoConfiguration.class,
        GrpcServerMicrometerTraceAutoConfiguration.class,
        GrpcClientHealthAutoConfiguration.class,
        GrpcClientMetricAutoConfiguration.class,
        GrpcClientMicrometerTraceAutoConfiguration.class,
        GrpcServerSecurityAutoConfiguration.class})
@ConfigurationPropertiesScan
public class GrocerApplication {

    public static void main(String[] args) {
        ConfigurableApplicationContext context = SpringApplication.run(GrocerApplication.class, args);
        if (context.getEnvironment().matchesProfiles("client")) {
            // The client runs its demo or shell and ends; its exit code says whether the demo passed.
            System.exit(SpringApplication.exit(context));
        }
    }

    /** The one clock that stamps create and update times, so tests can substitute their own. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
