package dev.grocer.grpc.server;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import net.devh.boot.grpc.server.event.GrpcServerShutdownEvent;
import net.devh.boot.grpc.server.event.GrpcServerStartedEvent;
import net.devh.boot.grpc.server.event.GrpcServerTerminatedEvent;

/**
 * Whether the gRPC server is serving, on which port and with which services: actuator's
 * {@code grpcServer} health component (part of the readiness group, so readiness is DOWN until the server
 * has started and from the moment it begins to shut down) and the {@code grpc.server} entry of
 * {@code /actuator/info}. It reports the bound port, which differs from the configured one when
 * {@code grpc.server.port} is 0.
 */
@Component("grpcServer")
class GrpcServerStatus implements HealthIndicator, InfoContributor {

    private volatile State state = new State(false, -1, Collections.emptySortedMap());

    /** Services by full name, each with its method names in order. */
    private record State(boolean serving, int port, SortedMap<String, List<String>> services) {}

    @EventListener
    void onStarted(GrpcServerStartedEvent event) {
        SortedMap<String, List<String>> services = new TreeMap<>();
        for (ServerServiceDefinition definition : event.getServer().getServices()) {
            services.put(definition.getServiceDescriptor().getName(), definition.getServiceDescriptor().getMethods()
                    .stream().map(MethodDescriptor::getBareMethodName).sorted().toList());
        }
        state = new State(true, event.getServer().getPort(), Collections.unmodifiableSortedMap(services));
    }

    @EventListener({GrpcServerShutdownEvent.class, GrpcServerTerminatedEvent.class})
    void onStopped() {
        State current = state;
        state = new State(false, current.port(), current.services());
    }

    /** The port the server listens on, or -1 before it started (or when it serves in-process only). */
    int port() {
        return state.port();
    }

    /** The full names of the services the server offers, in order. */
    List<String> services() {
        return List.copyOf(state.services().keySet());
    }

    @Override
    public Health health() {
        State current = state;
        return (current.serving() ? Health.up() : Health.down())
                .withDetail("port", current.port())
                .withDetail("services", services())
                .build();
    }

    @Override
    public void contribute(Info.Builder builder) {
        State current = state;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("port", current.port());
        details.put("services", current.services());
        builder.withDetail("grpc.server", details);
    }
}
