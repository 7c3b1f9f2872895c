package dev.grocer.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.google.type.Money;

import dev.grocer.order.v1.Order;
import dev.grocer.order.v1.OrderChange;
import dev.grocer.order.v1.OrderItem;
import dev.grocer.order.v1.OrderServiceGrpc;
import dev.grocer.order.v1.OrderStatus;
import dev.grocer.order.v1.RegisterOrderRequest;
import dev.grocer.order.v1.WatchOrderRequest;
import dev.grocer.order.v1.WatchOrderResponse;
import dev.grocer.testing.RecordingObserver;
import dev.grocer.testing.TestReplicas;
import dev.grocer.user.v1.CreateUserRequest;
import dev.grocer.user.v1.User;
import dev.grocer.user.v1.UserServiceGrpc;
import io.grpc.ManagedChannel;

/**
 * Two replicas on one database, both running the fulfilment simulator: every order still takes each step
 * exactly once, and watchers on either replica see the one sequence PLACED, PREPARING, OUT_FOR_DELIVERY,
 * DELIVERED.
 */
class ReplicatedFulfilmentTest {

    private static TestReplicas replicas;
    private static ManagedChannel toFirst;
    private static ManagedChannel toSecond;

    @BeforeAll
    static void start() {
        replicas = TestReplicas.start("fulfilment", "--grocer.orders.fulfilment.step-delay=300ms",
                "--grocer.orders.fulfilment.poll-interval=20ms");
        toFirst = replicas.channel(0);
        toSecond = replicas.channel(1);
    }

    @AfterAll
    static void stop() {
        if (replicas != null) {
            replicas.close();
        }
    }

    @Test
    void everyOrderTakesEachStepOnce_andWatchersOnBothReplicasSeeTheSameSteps() {
        User buyer = UserServiceGrpc.newBlockingStub(toFirst).createUser(CreateUserRequest.newBuilder()
                .setUser(User.newBuilder().setDisplayName("Busy Bea").setEmail("bea@example.com")).build());
        int perReplica = 10;
        List<Order> placed = new ArrayList<>();
        List<RecordingObserver<WatchOrderRequest, WatchOrderResponse>> watches = new ArrayList<>();
        for (int i = 0; i < perReplica; i++) {
            for (ManagedChannel channel : List.of(toFirst, toSecond)) {
                Order order = OrderServiceGrpc.newBlockingStub(channel).registerOrder(RegisterOrderRequest.newBuilder()
                        .setOrder(Order.newBuilder().setUserId(buyer.getId())
                                .addItems(OrderItem.newBuilder().setProduct("Tea").setQuantity(1).setUnitPrice(
                                        Money.newBuilder().setCurrencyCode("EUR").setUnits(3)))
                                .setDeliveryAddress(ReplicasTest.address("Main Street")))
                        .build());
                placed.add(order);
                // Each order watched on both replicas.
                for (ManagedChannel watcher : List.of(toFirst, toSecond)) {
                    RecordingObserver<WatchOrderRequest, WatchOrderResponse> watch = RecordingObserver.autoFlowControl();
                    OrderServiceGrpc.newStub(watcher).watchOrder(
                            WatchOrderRequest.newBuilder().setId(order.getId()).build(), watch);
                    watches.add(watch);
                }
            }
        }

        for (RecordingObserver<WatchOrderRequest, WatchOrderResponse> watch : watches) {
            watch.awaitCompletion(Duration.ofSeconds(30));
        }

        for (int i = 0; i < watches.size(); i++) {
            List<WatchOrderResponse> seen = watches.get(i).values();
            Order order = placed.get(i / 2);
            // A watch may begin after the first step: it then starts there, but never repeats or skips one.
            List<OrderStatus> path = List.of(OrderStatus.ORDER_STATUS_PLACED, OrderStatus.ORDER_STATUS_PREPARING,
                    OrderStatus.ORDER_STATUS_OUT_FOR_DELIVERY, OrderStatus.ORDER_STATUS_DELIVERED);
            List<OrderStatus> statuses = seen.stream().map(r -> r.getOrder().getStatus()).toList();
            int from = path.indexOf(statuses.get(0));
            assertThat(statuses).as("order %s", order.getId()).isEqualTo(path.subList(from, path.size()));
            assertThat(seen.get(0).getChange()).isEqualTo(OrderChange.ORDER_CHANGE_CURRENT_STATE);
            // (On a loaded machine a watch may even begin once the order is delivered: then it sees only that.)
            assertThat(seen.subList(1, seen.size())).extracting(WatchOrderResponse::getChange)
                    .allSatisfy(change -> assertThat(change).isEqualTo(OrderChange.ORDER_CHANGE_STATUS_CHANGED));
            assertThat(seen).allSatisfy(r -> assertThat(r.getOrder().getId()).isEqualTo(order.getId()));
        }
        // The two watches of one order saw the same final order, with the same etag: one history.
        for (int i = 0; i < watches.size(); i += 2) {
            List<WatchOrderResponse> a = watches.get(i).values();
            List<WatchOrderResponse> b = watches.get(i + 1).values();
            assertThat(a.get(a.size() - 1)).isEqualTo(b.get(b.size() - 1));
        }
        // And the store agrees: every order ended delivered.
        for (Order order : placed) {
            Order done = OrderServiceGrpc.newBlockingStub(toSecond).getOrder(
                    dev.grocer.order.v1.GetOrderRequest.newBuilder().setId(order.getId()).build());
            assertThat(done.getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_DELIVERED);
        }
    }
}
