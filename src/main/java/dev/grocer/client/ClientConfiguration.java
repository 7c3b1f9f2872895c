package dev.grocer.client;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.util.StringUtils;

import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import net.devh.boot.grpc.client.channelfactory.GrpcChannelConfigurer;
import net.devh.boot.grpc.client.config.GrpcChannelProperties;
import net.devh.boot.grpc.client.config.GrpcChannelsProperties;
import net.devh.boot.grpc.common.security.SecurityConstants;

/**
 * Wires the {@code client} profile's channel: its address from {@code grocer.client.target}, the service
 * config with deadlines and retries, and the bearer token when {@code grocer.client.token} is set. TLS
 * needs no code: the starter builds it from {@code grpc.client.grocer.negotiation-type} and
 * {@code grpc.client.grocer.security.*}.
 */
@Configuration(proxyBeanMethods = false)
@Profile("client")
class ClientConfiguration {

    /** The one channel of the client profile, as named in {@code @GrpcClient} and {@code grpc.client.*}. */
    static final String CHANNEL = "grocer";

    /**
     * The starter's channel settings, bound from {@code grpc.client.*} as usual, with the {@code grocer}
     * channel's address derived from {@code grocer.client.target} ({@link ClientTarget}): a list of servers
     * has to be encoded for grpc-java, which a placeholder in YAML cannot do. Takes the place of the
     * starter's own bean of this type in the client profile.
     */
    @Bean
    GrpcChannelsProperties grocerChannelsProperties(ClientProperties properties) {
        return new ChannelsWithTarget(properties.target());
    }

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

    /**
     * Fills in the channel's address once {@code grpc.client.*} is bound: binding replaces the channel's
     * entry, so an address set earlier would be lost. An address configured explicitly
     * ({@code grpc.client.grocer.address}) is left as it is.
     */
    static final class ChannelsWithTarget extends GrpcChannelsProperties implements InitializingBean {

        private final ClientTarget target;

        ChannelsWithTarget(ClientTarget target) {
            this.target = target;
        }

        @Override
        public void afterPropertiesSet() {
            GrpcChannelProperties channel = getClient().computeIfAbsent(CHANNEL, name -> new GrpcChannelProperties());
            if (channel.getAddress() == null) {
                channel.setAddress(target.channelTarget());
            }
        }
    }
}
