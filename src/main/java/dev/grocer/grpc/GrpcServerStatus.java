package dev.grocer.grpc;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import net.devh.boot.grpc.server.event.GrpcServerShutdownEvent;
import net.devh.boot.grpc.server.event.GrpcServerStartedEvent;
import net.devh.boot.grpc.server.event.GrpcServerTerminatedEvent;

/**
 * What state the gRPC server is in, told to everyone who asks: the {@code grpc.health.v1} service (the
 * server as "" and each grocer service by its full name) and actuator's health ({@code grpcServer}; the
 * starter itself adds the port and services to actuator's info as {@code grpc.server}). As soon as shutdown begins, every gRPC health status turns NOT_SERVING
 * and readiness turns REFUSING_TRAFFIC, so load balancers stop sending calls before the server stops.
 */
@Component("grpcServer")
class GrpcServerStatus implements HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(GrpcServerStatus.class);

    private final HealthStatusManager health;
    private final ApplicationEventPublisher events;
    private volatile State state = new State(false, -1, List.of());

    private record State(boolean serving, int port, List<String> services) {}

    GrpcServerStatus(HealthStatusManager health, ApplicationEventPublisher events) {
        this.health = health;
        this.events = events;
    }

    @EventListener
    void onStarted(GrpcServerStartedEvent event) {
        List<String> services = event.getServer().getServices().stream()
                .map(ServerServiceDefinition::getServiceDescriptor)
                .map(descriptor -> descriptor.getName())
                .sorted()
                .toList();
        for (String service : services) {
            if (service.startsWith("grocer.")) {
                health.setStatus(service, ServingStatus.SERVING);
            }
        }
        health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.SERVING);
        // The bound port, not the configured one: they differ when grpc.server.port is 0.
        state = new State(true, event.getServer().getPort(), services);
    }

    @EventListener(ContextClosedEvent.class)
    void onShutdownBegins() {
        log.info("Shutdown begins: gRPC health NOT_SERVING, readiness REFUSING_TRAFFIC");
        health.enterTerminalState();
        AvailabilityChangeEvent.publish(events, this, ReadinessState.REFUSING_TRAFFIC);
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

    @Override
    public Health health() {
        State current = state;
        Health.Builder builder = current.serving() ? Health.up() : Health.down();
        return builder.withDetail("port", current.port()).withDetail("services", current.services()).build();
    }
}
