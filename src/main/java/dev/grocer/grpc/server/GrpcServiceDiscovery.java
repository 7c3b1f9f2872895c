package dev.grocer.grpc.server;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.context.ApplicationContext;
import org.springframework.stereotype.Component;

import io.grpc.BindableService;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import net.devh.boot.grpc.server.interceptor.GlobalServerInterceptorRegistry;
import net.devh.boot.grpc.server.service.GrpcService;
import net.devh.boot.grpc.server.service.GrpcServiceDefinition;
import net.devh.boot.grpc.server.service.GrpcServiceDiscoverer;

/**
 * Finds the {@code @GrpcService} beans and binds their interceptors exactly as the starter's
 * {@code AnnotationGrpcServiceDiscoverer} does (which it replaces: the starter registers its own only when
 * no other discoverer exists), with one step added before the interceptors:
 * {@link RequestParsing#insideListener}, so request messages are parsed inside the interceptor chain and
 * a message that does not parse is answered INVALID_ARGUMENT rather than UNKNOWN. The starter's
 * discoverer offers no hook between binding a service and intercepting it, hence the copy.
 */
@Component
class GrpcServiceDiscovery implements GrpcServiceDiscoverer {

    private final ApplicationContext context;

    GrpcServiceDiscovery(ApplicationContext context) {
        this.context = context;
    }

    @Override
    public Collection<GrpcServiceDefinition> findGrpcServices() {
        GlobalServerInterceptorRegistry globalInterceptors = context.getBean(GlobalServerInterceptorRegistry.class);
        List<GrpcServiceDefinition> definitions = new ArrayList<>();
        for (String beanName : context.getBeanNamesForAnnotation(GrpcService.class)) {
            BindableService service = context.getBean(beanName, BindableService.class);
            GrpcService annotation = context.findAnnotationOnBean(beanName, GrpcService.class);
            ServerServiceDefinition definition = RequestParsing.insideListener(service.bindService());
            definition = ServerInterceptors.interceptForward(definition,
                    interceptors(annotation, globalInterceptors));
            definitions.add(new GrpcServiceDefinition(beanName, service.getClass(), definition));
        }
        return definitions;
    }

    private List<ServerInterceptor> interceptors(GrpcService annotation,
            GlobalServerInterceptorRegistry globalInterceptors) {
        List<ServerInterceptor> interceptors = new ArrayList<>(globalInterceptors.getServerInterceptors());
        for (Class<? extends ServerInterceptor> type : annotation.interceptors()) {
            interceptors.add(context.getBeanNamesForType(type).length > 0 ? context.getBean(type)
                    : instantiate(type));
        }
        for (String name : annotation.interceptorNames()) {
            interceptors.add(context.getBean(name, ServerInterceptor.class));
        }
        if (annotation.sortInterceptors()) {
            globalInterceptors.sortInterceptors(interceptors);
        }
        return interceptors;
    }

    private static ServerInterceptor instantiate(Class<? extends ServerInterceptor> type) {
        try {
            return type.getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new BeanCreationException("Failed to create interceptor instance of " + type.getName(), e);
        }
    }
}
