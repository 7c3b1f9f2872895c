package dev.grocer.devhboot4;

import java.util.Map;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Lazy;

import io.grpc.ConnectivityState;
import net.devh.boot.grpc.client.autoconfigure.GrpcClientAutoConfiguration;
import net.devh.boot.grpc.client.autoconfigure.GrpcClientHealthAutoConfiguration;
import net.devh.boot.grpc.client.channelfactory.GrpcChannelFactory;

/**
 * Stands in for net.devh's {@link GrpcClientHealthAutoConfiguration}: actuator's {@code grpcChannel} health
 * component, the connectivity of every channel the starter made, OUT_OF_SERVICE while one is in
 * TRANSIENT_FAILURE. The original is conditional on Boot 3's {@code org.springframework.boot.actuate.health}
 * classes, which Boot 4 moved to {@code org.springframework.boot.health.contributor}, so on Boot 4 it never
 * loads. Same bean name, same switch ({@code management.health.grpcChannel.enabled}), same answer.
 */
@AutoConfiguration(after = GrpcClientAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnEnabledHealthIndicator("grpcChannel")
public class GrpcChannelHealthAutoConfiguration {

    @Bean
    @Lazy
    HealthIndicator grpcChannelHealthIndicator(GrpcChannelFactory channels) {
        return () -> {
            Map<String, ConnectivityState> states = Map.copyOf(channels.getConnectivityState());
            Health.Builder health = states.containsValue(ConnectivityState.TRANSIENT_FAILURE)
                    ? Health.outOfService()
                    : Health.up();
            return health.withDetails(states).build();
        };
    }
}
