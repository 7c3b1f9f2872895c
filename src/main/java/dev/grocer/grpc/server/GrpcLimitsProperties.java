package dev.grocer.grpc.server;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Transport limits of the gRPC server that the starter's {@code grpc.server.*} keys do not cover
 * ({@code grocer.grpc.*}).
 *
 * @param maxConcurrentCallsPerConnection the most calls (HTTP/2 streams) one client connection may have
 *        open at once; the server announces it in its HTTP/2 SETTINGS, and a client keeps further calls
 *        waiting until one ends (grpc-java's does; a peer that opens more anyway has them refused)
 */
@Validated
@ConfigurationProperties("grocer.grpc")
record GrpcLimitsProperties(
        @DefaultValue("1000") @Min(1) @Max(Integer.MAX_VALUE) int maxConcurrentCallsPerConnection) {}
