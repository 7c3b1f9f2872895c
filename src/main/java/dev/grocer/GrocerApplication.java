package dev.grocer;

import java.time.Clock;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;

/**
 * Starts grocer: the gRPC server on 9090 and actuator over HTTP on 8080. Two of the starter's three
 * gRPC server metric sets are excluded so that each call is counted once, by the observation that
 * {@code dev.grocer.grpc.GrpcMetricsConfiguration} registers (README "Operations").
 */
@SpringBootApplication(excludeName = {
        "net.devh.boot.grpc.server.autoconfigure.GrpcServerMetricAutoConfiguration",
        "net.devh.boot.grpc.server.autoconfigure.GrpcServerMicrometerTraceAutoConfiguration"})
@ConfigurationPropertiesScan
public class GrocerApplication {

    public static void main(String[] args) {
        SpringApplication.run(GrocerApplication.class, args);
    }

    /** The one clock that stamps create and update times, so tests can substitute their own. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
