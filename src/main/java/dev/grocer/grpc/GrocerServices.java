package dev.grocer.grpc;

import java.util.List;

import dev.grocer.greeter.v1.GreeterServiceGrpc;
import dev.grocer.order.v1.OrderServiceGrpc;
import dev.grocer.user.v1.UserServiceGrpc;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;

/**
 * grocer's own gRPC services as generated from their protos. Policies that follow from the contracts
 * (who may call a method, what the client retries) read each method's {@code idempotency_level} here,
 * as {@link MethodDescriptor#isSafe()} and {@link MethodDescriptor#isIdempotent()}, instead of keeping
 * lists of their own: a new RPC needs only its proto, a new service only a line here.
 */
public final class GrocerServices {

    /** UserService, OrderService and GreeterService. */
    public static final List<ServiceDescriptor> ALL = List.of(UserServiceGrpc.getServiceDescriptor(),
            OrderServiceGrpc.getServiceDescriptor(), GreeterServiceGrpc.getServiceDescriptor());

    private GrocerServices() {}

    /** Every method of grocer's services: service by service as listed in {@link #ALL}, each in proto order. */
    public static List<MethodDescriptor<?, ?>> methods() {
        return ALL.stream().<MethodDescriptor<?, ?>>flatMap(service -> service.getMethods().stream()).toList();
    }
}
