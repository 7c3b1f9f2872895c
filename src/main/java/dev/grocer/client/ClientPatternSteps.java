package dev.grocer.client;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;

import dev.grocer.order.v1.CancelOrderRequest;
import dev.grocer.order.v1.Order;
import dev.grocer.order.v1.WatchOrderRequest;
import dev.grocer.order.v1.WatchOrderResponse;
import dev.grocer.user.v1.GetUserRequest;
import dev.grocer.user.v1.User;
import dev.grocer.user.v1.UserServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;

/** The demo's client patterns: fan-out with the future stub, a deadline that expires, a server that is not there. */
final class ClientPatternSteps {

    private final GrocerStubs stubs;
    private final DemoScript script;
    private final ClientProperties properties;
    private final OrderSteps orders;

    ClientPatternSteps(GrocerStubs stubs, DemoScript script, ClientProperties properties, OrderSteps orders) {
        this.stubs = stubs;
        this.script = script;
        this.properties = properties;
        this.orders = orders;
    }

    /** Reads every user at once with the future stub. */
    void fanOut(List<User> people) {
        script.section("Fan-out with the future stub");
        List<ListenableFuture<User>> calls = new ArrayList<>();
        for (User person : people) {
            calls.add(stubs.usersFuture().getUser(GetUserRequest.newBuilder().setId(person.getId()).build()));
        }
        try {
            List<User> got = Futures.allAsList(calls).get(properties.defaultDeadline().toMillis(), TimeUnit.MILLISECONDS);
            script.step("UserService/GetUser x" + got.size(), "concurrently: "
                    + got.stream().map(User::getDisplayName).toList());
        } catch (java.util.concurrent.ExecutionException e) {
            throw new DemoScript.StepFailed("concurrent GetUser failed: " + RpcErrorText.describe(e.getCause()).get(0));
        } catch (java.util.concurrent.TimeoutException | InterruptedException e) {
            throw new DemoScript.StepFailed("concurrent GetUser did not finish: " + e);
        }
    }

    /** A watch whose deadline is shorter than delivery ends DEADLINE_EXCEEDED. */
    void deadline(User buyer) {
        script.section("Deadlines");
        Order order = orders.register(buyer);
        // Delivery takes three simulator steps; 100 ms is shorter than even one at any sensible setting.
        script.expectError("OrderService/WatchOrder with a 100 ms deadline", Status.Code.DEADLINE_EXCEEDED, () -> {
            Iterator<WatchOrderResponse> events = stubs.orders().withDeadlineAfter(100, TimeUnit.MILLISECONDS)
                    .watchOrder(WatchOrderRequest.newBuilder().setId(order.getId()).build());
            events.forEachRemaining(event -> { });
        });
        stubs.orders().cancelOrder(CancelOrderRequest.newBuilder().setId(order.getId()).build());
    }

    /** A call to a port where nobody listens ends UNAVAILABLE, with the reason. */
    void noServer() {
        script.section("No server listening");
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort(); // free now, and nobody listens once the socket is closed
        } catch (IOException e) {
            throw new DemoScript.StepFailed("could not find a free port: " + e.getMessage());
        }
        ManagedChannel nowhere = ManagedChannelBuilder.forAddress("127.0.0.1", closedPort).usePlaintext().build();
        try {
            script.expectError("UserService/GetUser at 127.0.0.1:" + closedPort, Status.Code.UNAVAILABLE,
                    () -> UserServiceGrpc.newBlockingStub(nowhere).withDeadlineAfter(5, TimeUnit.SECONDS)
                            .getUser(GetUserRequest.newBuilder().setId("0190b8d2-6f1e-7c3a-9d4b-2f6c1e8a5b7d").build()));
        } finally {
            nowhere.shutdownNow();
        }
    }
}
