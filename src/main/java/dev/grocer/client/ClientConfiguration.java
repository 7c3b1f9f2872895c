package dev.grocer.client;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

import net.devh.boot.grpc.client.channelfactory.GrpcChannelConfigurer;

/** Wires the {@code client} profile's channel: the service config with deadlines and retries. */
@Configuration(proxyBeanMethods = false)
@Profile("client")
class ClientConfiguration {

    /** Applies {@link ClientServiceConfig} to every channel the starter builds (grocer uses one). */
    @Bean
    GrpcChannelConfigurer grocerServiceConfig(ClientProperties properties) {
        return (builder, name) -> builder.defaultServiceConfig(ClientServiceConfig.of(properties)).enableRetry();
    }
}
