package dev.grocer.grpc.server;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import net.devh.boot.grpc.server.serverfactory.GrpcServerConfigurer;

/**
 * Where service methods run. With {@code grocer.grpc.direct-executor=true} they run on the transport's
 * event-loop threads instead of being handed to grpc-java's default thread pool: one thread hop less
 * per call. Only safe while no service method blocks (in-memory stores do not; a database would).
 */
@Configuration(proxyBeanMethods = false)
class GrpcExecutorConfiguration {

    @Bean
    @ConditionalOnProperty(name = "grocer.grpc.direct-executor", havingValue = "true")
    GrpcServerConfigurer directExecutor() {
        return builder -> {
            if (builder instanceof NettyServerBuilder netty) {
                netty.directExecutor();
            }
        };
    }
}
