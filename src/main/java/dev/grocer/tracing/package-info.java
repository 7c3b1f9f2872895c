/**
 * Traces (docs/operations.md, "Tracing"): Micrometer Tracing's OpenTelemetry bridge and OTLP exporter as Spring Boot
 * configures them, plus grocer's spans: a server span per gRPC call ({@code grpc.server.GrpcServerTracing}), one per
 * PostgreSQL statement, one per fulfilment step, and the trace carried between replicas in their notifications.
 * {@link dev.grocer.tracing.TracingEnvironmentPostProcessor} makes setting an OTLP endpoint the one step that turns
 * tracing on.
 */
package dev.grocer.tracing;
