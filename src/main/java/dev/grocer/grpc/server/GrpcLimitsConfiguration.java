package dev.grocer.grpc.server;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import net.devh.boot.grpc.server.serverfactory.GrpcServerConfigurer;

/**
 * Applies {@link GrpcLimitsProperties} to the Netty server. (Message and metadata sizes are the
 * starter's own keys, {@code grpc.server.max-inbound-message-size} and
 * {@code grpc.server.max-inbound-metadata-size}.)
 */
@Configuration(proxyBeanMethods = false)
class GrpcLimitsConfiguration {

    @Bean
    GrpcServerConfigurer connectionLimits(GrpcLimitsProperties limits) {
        return builder -> {
            if (builder instanceof NettyServerBuilder netty) {
                netty.maxConcurrentCallsPerConnection(limits.maxConcurrentCallsPerConnection());
            }
        };
    }
}
