package dev.grocer.client;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.util.StringUtils;

import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import net.devh.boot.grpc.client.channelfactory.GrpcChannelConfigurer;
import net.devh.boot.grpc.common.security.SecurityConstants;

/**
 * Wires the {@code client} profile's channel: the service config with deadlines and retries, and the
 * bearer token when {@code grocer.client.token} is set. TLS needs no code: the starter builds it from
 * {@code grpc.client.grocer.negotiation-type} and {@code grpc.client.grocer.security.*}.
 */
@Configuration(proxyBeanMethods = false)
@Profile("client")
class ClientConfiguration {

    /** Applies {@link ClientServiceConfig} to every channel the starter builds (grocer uses one). */
    @Bean
    GrpcChannelConfigurer grocerServiceConfig(ClientProperties properties) {
        return (builder, name) -> builder.defaultServiceConfig(ClientServiceConfig.of(properties)).enableRetry();
    }

    /**
     * Sends {@code authorization: Bearer <token>} with every call of the channel. On the channel rather than
     * as per-stub call credentials, so that every stub, including ones made later, carries it.
     */
    @Bean
    GrpcChannelConfigurer grocerToken(ClientProperties properties) {
        return (builder, name) -> {
            if (StringUtils.hasText(properties.token())) {
                Metadata headers = new Metadata();
                headers.put(SecurityConstants.AUTHORIZATION_HEADER,
                        SecurityConstants.BEARER_AUTH_PREFIX + properties.token().trim());
                builder.intercept(MetadataUtils.newAttachHeadersInterceptor(headers));
            }
        };
    }
}
