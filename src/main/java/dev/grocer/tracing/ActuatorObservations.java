package dev.grocer.tracing;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.observation.ServerRequestObservationContext;

import io.micrometer.observation.ObservationPredicate;

/**
 * Probes and scrapes are not observed, whether tracing is on or off: a Kubernetes probe every few seconds would
 * otherwise be a trace of its own each time (with Spring Security's filter-chain spans inside, which
 * {@code management.observations.enable.spring.security=false} in application.yml leaves out everywhere). Their
 * {@code http.server.requests} series goes with them; grocer's HTTP side serves nothing else.
 */
@Configuration(proxyBeanMethods = false)
class ActuatorObservations {

    @Bean
    ObservationPredicate actuatorRequestsUnobserved() {
        return (name, context) -> !(context instanceof ServerRequestObservationContext request
                && request.getCarrier().getRequestURI().startsWith("/actuator"));
    }
}
