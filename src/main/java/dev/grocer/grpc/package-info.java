/**
 * The toolkit grocer's gRPC services use: {@link dev.grocer.grpc.GrpcErrors} (the one mapping from domain errors to
 * gRPC status and {@code google.rpc} details), flow-controlled server streaming ({@link dev.grocer.grpc.StreamPump},
 * {@link dev.grocer.grpc.GrpcSubscriber}, {@link dev.grocer.grpc.OutboundQueue}), {@link dev.grocer.grpc.ProtoTime}, and
 * {@link dev.grocer.grpc.GrocerServices}, the generated descriptors that policies read the contracts from.
 * The server plumbing that no service touches (interceptors, health, metrics, registration) is in
 * {@code dev.grocer.grpc.server}.
 */
package dev.grocer.grpc;
