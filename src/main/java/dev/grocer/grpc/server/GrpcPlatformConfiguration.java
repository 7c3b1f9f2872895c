package dev.grocer.grpc.server;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.grpc.BindableService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import net.devh.boot.grpc.server.service.GrpcService;

/**
 * Platform services beside grocer's own. The starter registers health and the older
 * {@code grpc.reflection.v1alpha} reflection; this adds {@code grpc.reflection.v1}, which newer tools
 * (grpcurl 1.9+, Postman) try first.
 */
@Configuration(proxyBeanMethods = false)
class GrpcPlatformConfiguration {

    @Bean
    @GrpcService
    BindableService protoReflectionServiceV1() {
        return ProtoReflectionServiceV1.newInstance();
    }
}
