package dev.grocer.grpc.server;

import org.springframework.context.ApplicationContext;

/** Lets tests outside this package read the gRPC plumbing's package-private state. */
public final class GrpcProbes {

    private GrpcProbes() {}

    /** How many gRPC calls the server of {@code context} has in flight. */
    public static int inFlightCalls(ApplicationContext context) {
        return context.getBean(InFlightCalls.class).size();
    }

    /** The port the gRPC server of {@code context} listens on. */
    public static int port(ApplicationContext context) {
        return context.getBean(GrpcServerStatus.class).port();
    }
}
