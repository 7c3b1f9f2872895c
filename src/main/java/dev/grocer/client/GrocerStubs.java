package dev.grocer.client;

import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

import dev.grocer.greeter.v1.GreeterServiceGrpc.GreeterServiceBlockingStub;
import dev.grocer.order.v1.OrderServiceGrpc.OrderServiceBlockingStub;
import dev.grocer.order.v1.OrderServiceGrpc.OrderServiceStub;
import dev.grocer.user.v1.UserServiceGrpc.UserServiceBlockingStub;
import dev.grocer.user.v1.UserServiceGrpc.UserServiceFutureStub;
import dev.grocer.user.v1.UserServiceGrpc.UserServiceStub;
import net.devh.boot.grpc.client.inject.GrpcClient;

/**
 * The stubs of the {@code client} profile, all on the one channel named {@code grocer} (configured under
 * {@code grpc.client.grocer.*}). Blocking stubs read best for request/response; the async stubs are for
 * the streams a client writes to, the future stub for fan-outs of concurrent calls.
 */
@Component
@Profile("client")
final class GrocerStubs {

    private final UserServiceBlockingStub users;
    private final UserServiceStub usersAsync;
    private final UserServiceFutureStub usersFuture;
    private final OrderServiceBlockingStub orders;
    private final OrderServiceStub ordersAsync;
    private final GreeterServiceBlockingStub greeter;

    // @GrpcClient on constructor parameters (not on fields) keeps the fields final.
    GrocerStubs(
            @GrpcClient("grocer") UserServiceBlockingStub users,
            @GrpcClient("grocer") UserServiceStub usersAsync,
            @GrpcClient("grocer") UserServiceFutureStub usersFuture,
            @GrpcClient("grocer") OrderServiceBlockingStub orders,
            @GrpcClient("grocer") OrderServiceStub ordersAsync,
            @GrpcClient("grocer") GreeterServiceBlockingStub greeter) {
        this.users = users;
        this.usersAsync = usersAsync;
        this.usersFuture = usersFuture;
        this.orders = orders;
        this.ordersAsync = ordersAsync;
        this.greeter = greeter;
    }

    UserServiceBlockingStub users() {
        return users;
    }

    UserServiceStub usersAsync() {
        return usersAsync;
    }

    UserServiceFutureStub usersFuture() {
        return usersFuture;
    }

    OrderServiceBlockingStub orders() {
        return orders;
    }

    OrderServiceStub ordersAsync() {
        return ordersAsync;
    }

    GreeterServiceBlockingStub greeter() {
        return greeter;
    }
}
