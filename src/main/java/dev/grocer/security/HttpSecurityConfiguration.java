package dev.grocer.security;

import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointProperties;
import org.springframework.boot.actuate.info.InfoEndpoint;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusScrapeEndpoint;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The HTTP side: Spring Security is on the class path for the gRPC tokens, and Spring Boot would otherwise
 * put every HTTP request behind a generated password, probes included. Health (with its liveness and
 * readiness groups), info, Prometheus and the actuator index stay open, as probes and scrapers call them
 * without credentials; every other actuator endpoint is refused (403), even one someone exposes by mistake.
 * The rest is the application's own: the HTTP API and gRPC-Web ({@code dev.grocer.http}), whose calls meet the
 * same token check as over gRPC (they are gRPC calls by then: {@link GrpcSecurityConfiguration}), and the page.
 * Cross-origin requests are allowed from {@code grocer.http.cors.allowed-origins} only (none by default).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class HttpSecurityConfiguration {

    /**
     * No observations of Spring Security's filters: without this, each of them is wrapped in an observing decorator
     * on every request, which {@code management.observations.enable.spring.security=false} only switches off after
     * the fact (the benchmark's http phase measured the wrappers).
     */
    @Bean
    SecurityObservationSettings noSecurityObservations() {
        return SecurityObservationSettings.noObservations();
    }

    @Bean
    SecurityFilterChain httpSecurity(HttpSecurity http, WebEndpointProperties endpoints) throws Exception {
        return http
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers(EndpointRequest.to(HealthEndpoint.class, InfoEndpoint.class,
                                PrometheusScrapeEndpoint.class)).permitAll()
                        .requestMatchers(EndpointRequest.toLinks()).permitAll()
                        .requestMatchers(EndpointRequest.toAnyEndpoint()).denyAll()
                        .requestMatchers(endpoints.getBasePath() + "/**").denyAll() // endpoints not exposed too
                        .anyRequest().permitAll())
                .cors(Customizer.withDefaults()) // the CorsConfigurationSource of dev.grocer.http, if it is on
                // No anonymous authentication on the request thread: an HTTP API call runs the gRPC security
                // interceptors on that thread, which would take it for the caller's and refuse a call without a
                // token as TOKEN_INVALID rather than TOKEN_MISSING.
                .anonymous(anonymous -> anonymous.disable())
                // No sessions and no cookies: a token travels in the authorization header, which a forged
                // cross-site form cannot set, so there is nothing for CSRF protection to guard.
                .csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                .build();
    }
}
