/**
 * The gRPC server around grocer's services, which no service calls: exception handling ({@code @GrpcAdvice}),
 * service registration with request parsing inside the interceptor chain, limits and the executor, health (gRPC
 * and actuator), reflection, metrics, the access log and the calls in flight at shutdown. The services' own
 * toolkit is {@code dev.grocer.grpc}.
 */
package dev.grocer.grpc.server;
