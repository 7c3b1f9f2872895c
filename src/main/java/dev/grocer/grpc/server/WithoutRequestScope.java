package dev.grocer.grpc.server;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.stereotype.Component;

import net.devh.boot.grpc.server.interceptor.AnnotationGlobalServerInterceptorConfigurer;
import net.devh.boot.grpc.server.interceptor.GlobalServerInterceptorConfigurer;
import net.devh.boot.grpc.server.scope.GrpcRequestScope;

/**
 * Takes the starter's {@link GrpcRequestScope} interceptor off every call. It serves beans in the
 * {@code grpcRequest} scope, which grocer has none of, and it costs each call a new gRPC context, a
 * cancellation listener on it and a context switch around every callback (the benchmark's profile).
 * The scope itself stays registered; only its interceptor is left out of the global list.
 */
@Component
class WithoutRequestScope implements BeanPostProcessor {

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof AnnotationGlobalServerInterceptorConfigurer annotated) {
            return (GlobalServerInterceptorConfigurer) interceptors -> {
                annotated.configureServerInterceptors(interceptors);
                interceptors.removeIf(GrpcRequestScope.class::isInstance);
            };
        }
        return bean;
    }
}
