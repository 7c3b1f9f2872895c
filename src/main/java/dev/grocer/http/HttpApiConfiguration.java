package dev.grocer.http;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.AnnotationAwareOrderComparator;
import org.springframework.http.HttpHeaders;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;
import org.springframework.web.servlet.function.RequestPredicates;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

import com.google.api.AnnotationsProto;
import com.google.api.HttpRule;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Message;

import io.grpc.BindableService;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.protobuf.ProtoMethodDescriptorSupplier;
import io.opentelemetry.api.OpenTelemetry;
import net.devh.boot.grpc.server.config.GrpcServerProperties;
import net.devh.boot.grpc.server.serverfactory.GrpcServerConfigurer;
import net.devh.boot.grpc.server.service.GrpcService;
import net.devh.boot.grpc.server.service.GrpcServiceDiscoverer;

/**
 * The HTTP API on the HTTP port: a route per {@code google.api.http} rule of the services' contracts, read from
 * their descriptors when the application starts (nothing generated, nothing to keep in step), transcoded to calls
 * ({@link Transcoding}); gRPC-Web for every unary and server-streaming method ({@link GrpcWeb}); a Status body for
 * any other path under {@code /v1} (404, or 405 when the path exists with another verb); and CORS.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnProperty(name = "grocer.http.enabled", matchIfMissing = true)
class HttpApiConfiguration {

    @Bean
    GrpcBridge grpcBridge(GrpcServiceDiscoverer services, ObjectProvider<GrpcServerConfigurer> configurers,
            GrpcServerProperties properties) {
        return new GrpcBridge(services, configurers.orderedStream().toList(), properties);
    }

    /** Threads that write server streams to their HTTP clients; as many as streams are writing at once. */
    @Bean(destroyMethod = "shutdownNow")
    ExecutorService httpStreamWriters() {
        AtomicInteger count = new AtomicInteger();
        return Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "http-stream-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** The timer of the Server-Sent Event streams' heartbeats. */
    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService httpStreamHeartbeats() {
        return Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "http-stream-heartbeat");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Bean
    RouterFunction<ServerResponse> httpApi(ApplicationContext context, GrpcBridge bridge, HttpApiProperties properties,
            ObjectProvider<OpenTelemetry> openTelemetry, ExecutorService httpStreamWriters,
            ScheduledExecutorService httpStreamHeartbeats) {
        CallHeaders headers = new CallHeaders(openTelemetry.getIfAvailable());
        RequestBodies bodies = new RequestBodies(properties.maxRequestSize().toBytes());
        Transcoding transcoding = new Transcoding(bridge, headers, bodies, httpStreamWriters, httpStreamHeartbeats,
                properties.streamHeartbeat());
        List<HttpRoute> routes = new ArrayList<>();
        List<MethodDescriptor<?, ?>> webMethods = new ArrayList<>();
        for (BindableService service : services(context)) {
            for (ServerMethodDefinition<?, ?> definition : service.bindService().getMethods()) {
                MethodDescriptor<?, ?> method = definition.getMethodDescriptor();
                MethodDescriptor.MethodType type = method.getType();
                if (type != MethodDescriptor.MethodType.UNARY && type != MethodDescriptor.MethodType.SERVER_STREAMING) {
                    continue;
                }
                webMethods.add(method);
                if (method.getSchemaDescriptor() instanceof ProtoMethodDescriptorSupplier schema) {
                    Descriptors.MethodDescriptor descriptor = schema.getMethodDescriptor();
                    if (descriptor.getOptions().hasExtension(AnnotationsProto.http)) {
                        HttpRule rule = descriptor.getOptions().getExtension(AnnotationsProto.http);
                        @SuppressWarnings("unchecked")
                        MethodDescriptor<Message, Message> typed = (MethodDescriptor<Message, Message>) method;
                        Message prototype = (Message) ((MethodDescriptor.PrototypeMarshaller<?>)
                                method.getRequestMarshaller()).getMessagePrototype();
                        routes.addAll(HttpRoute.of(rule, typed, prototype));
                    }
                }
            }
        }
        // Most specific first: /v1/orders/{id}:watch before /v1/orders/{id}, which would take "x:watch" as an id.
        PathPatternParser parser = PathPatternParser.defaultInstance;
        routes.sort(Comparator.comparing((HttpRoute route) -> parser.parse(route.pathPattern()),
                PathPattern.SPECIFICITY_COMPARATOR));
        Set<String> seen = new HashSet<>();
        RouterFunctions.Builder router = RouterFunctions.route();
        for (HttpRoute route : routes) {
            if (!seen.add(route.verb() + " " + route.pathPattern())) {
                throw new IllegalStateException("two RPCs are bound to " + route.verb() + " " + route.template());
            }
            router.route(RequestPredicates.method(route.verb()).and(RequestPredicates.path(route.pathPattern())),
                    request -> transcoding.handle(route, request));
        }
        GrpcWeb grpcWeb = new GrpcWeb(webMethods, bridge, headers, bodies);
        router.route(RequestPredicates.POST("/{service}/{method}").and(GrpcWeb::isGrpcWeb), grpcWeb::handle);
        List<PathPattern> patterns = routes.stream().map(route -> parser.parse(route.pathPattern())).toList();
        router.route(request -> request.path().startsWith("/v1/") || request.path().startsWith("/v1:"), request -> {
            String path = request.path();
            List<String> verbs = new ArrayList<>();
            for (int i = 0; i < routes.size(); i++) {
                if (patterns.get(i).matches(request.requestPath().pathWithinApplication())) {
                    verbs.add(routes.get(i).verb().name());
                }
            }
            String method = request.method().name();
            return StatusJson.error(verbs.isEmpty() ? BadHttpRequest.noRoute(method, path)
                    : BadHttpRequest.wrongVerb(method, path, String.join(", ", verbs)));
        });
        return router.build();
    }

    @Bean
    CorsConfigurationSource corsConfigurationSource(HttpApiProperties properties) {
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        List<String> origins = properties.cors().allowedOrigins();
        if (!origins.isEmpty()) {
            CorsConfiguration cors = new CorsConfiguration();
            cors.setAllowedOrigins(origins);
            cors.setAllowedMethods(List.of("GET", "POST", "PATCH", "PUT", "DELETE"));
            cors.setAllowedHeaders(List.of(HttpHeaders.CONTENT_TYPE, HttpHeaders.AUTHORIZATION, "x-grpc-web",
                    "x-user-agent", "grpc-timeout", "traceparent", "tracestate"));
            cors.setExposedHeaders(List.of("grpc-status", "grpc-message", "grpc-status-details-bin"));
            cors.setMaxAge(3600L);
            source.registerCorsConfiguration("/v1/**", cors);
            source.registerCorsConfiguration("/v1:*", cors);
            source.registerCorsConfiguration("/*/*", cors); // gRPC-Web: /<service>/<method>
        }
        return source;
    }

    private static List<BindableService> services(ApplicationContext context) {
        List<BindableService> services = new ArrayList<>();
        for (Object bean : context.getBeansWithAnnotation(GrpcService.class).values()) {
            if (bean instanceof BindableService service) {
                services.add(service);
            }
        }
        services.sort(AnnotationAwareOrderComparator.INSTANCE);
        return services;
    }
}
