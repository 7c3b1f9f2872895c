package dev.grocer.grpc.server;

import java.time.Duration;

import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the gRPC health service follows actuator's readiness ({@code grocer.health.*}).
 *
 * @param refreshInterval how often readiness is evaluated again for the gRPC health service; readiness
 *        state changes (and shutdown) are passed on at once, other health components within this time
 */
@Validated
@ConfigurationProperties("grocer.health")
record GrpcHealthProperties(
        @DefaultValue("5s") @DurationMin(millis = 100) @DurationMax(hours = 1) Duration refreshInterval) {}
