package dev.grocer.grpc.server;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import net.devh.boot.grpc.server.event.GrpcServerStartedEvent;

/**
 * Tells gRPC health clients ({@code grpc.health.v1} Check and Watch, for the server {@code ""} and each
 * grocer service) what actuator's readiness group says, so the two never disagree: readiness UP is
 * SERVING, anything else NOT_SERVING. Readiness is the one source of truth; it is made of the
 * application's readiness state and the {@code grpcServer} component (and whatever an operator adds to
 * {@code management.endpoint.health.group.readiness.include}).
 *
 * <p>Readiness state changes are passed on at once; health components have no events, so readiness is
 * also evaluated again every {@code grocer.health.refresh-interval}. As soon as shutdown begins,
 * readiness turns REFUSING_TRAFFIC and every gRPC health status NOT_SERVING for good, before the server
 * stops taking calls.
 */
@Component
class GrpcHealthPublisher implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(GrpcHealthPublisher.class);
    private static final String READINESS_GROUP = "readiness";

    private final HealthStatusManager health;
    private final ObjectProvider<HealthEndpoint> healthEndpoint;
    private final ApplicationAvailability availability;
    private final ApplicationEventPublisher events;
    private final ApplicationContext context;
    private final GrpcHealthProperties properties;
    private final ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "grpc-health-refresh");
        thread.setDaemon(true);
        return thread;
    });
    private volatile List<String> services = List.of();
    private volatile boolean terminal;

    GrpcHealthPublisher(HealthStatusManager health, ObjectProvider<HealthEndpoint> healthEndpoint,
            ApplicationAvailability availability, ApplicationEventPublisher events, ApplicationContext context,
            GrpcHealthProperties properties) {
        this.health = health;
        this.healthEndpoint = healthEndpoint;
        this.availability = availability;
        this.events = events;
        this.context = context;
        this.properties = properties;
    }

    @EventListener
    void onServerStarted(GrpcServerStartedEvent event) {
        services = event.getServer().getServices().stream()
                .map(definition -> definition.getServiceDescriptor().getName())
                .filter(name -> name.startsWith("grocer."))
                .sorted()
                .toList();
        long interval = properties.refreshInterval().toMillis();
        refresher.scheduleWithFixedDelay(this::refresh, 0, interval, TimeUnit.MILLISECONDS);
    }

    @EventListener
    void onReadinessChanged(AvailabilityChangeEvent<ReadinessState> event) {
        refresh();
    }

    /** Shutdown begins: readiness and every gRPC health status say so before the server stops. */
    @EventListener
    void onShutdownBegins(ContextClosedEvent event) {
        if (event.getApplicationContext() != context) {
            return; // a child context (e.g. a separate management port) closing is not our shutdown
        }
        log.info("Shutdown begins: readiness REFUSING_TRAFFIC, gRPC health NOT_SERVING");
        AvailabilityChangeEvent.publish(events, this, ReadinessState.REFUSING_TRAFFIC);
        terminal = true;
        health.enterTerminalState();
        refresher.shutdownNow();
    }

    /** Evaluates readiness and passes the result on to the gRPC health service. */
    synchronized void refresh() {
        if (terminal) {
            return;
        }
        try {
            ServingStatus status = isReady() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
            health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, status);
            for (String service : services) {
                health.setStatus(service, status);
            }
        } catch (RuntimeException e) {
            log.warn("Could not evaluate readiness for the gRPC health service", e);
        }
    }

    private boolean isReady() {
        HealthEndpoint endpoint = healthEndpoint.getIfAvailable();
        if (endpoint == null) {
            // The health endpoint is switched off: the readiness state alone is left to go by.
            return availability.getReadinessState() == ReadinessState.ACCEPTING_TRAFFIC;
        }
        HealthDescriptor readiness = endpoint.healthForPath(READINESS_GROUP);
        if (readiness == null) {
            readiness = endpoint.health();
        }
        return Status.UP.equals(readiness.getStatus());
    }

    @Override
    public void destroy() {
        refresher.shutdownNow();
    }
}
