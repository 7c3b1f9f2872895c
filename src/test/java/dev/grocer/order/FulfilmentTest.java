package dev.grocer.order;

import static dev.grocer.order.OrderTestData.WORK;
import static dev.grocer.order.OrderTestData.groceries;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;

import dev.grocer.order.v1.CancelOrderRequest;
import dev.grocer.order.v1.Order;
import dev.grocer.order.v1.OrderChange;
import dev.grocer.order.v1.OrderServiceGrpc.OrderServiceBlockingStub;
import dev.grocer.order.v1.OrderServiceGrpc.OrderServiceStub;
import dev.grocer.order.v1.OrderStatus;
import dev.grocer.order.v1.UpdateOrderRequest;
import dev.grocer.order.v1.UpdateOrderResponse;
import dev.grocer.order.v1.WatchOrderRequest;
import dev.grocer.order.v1.WatchOrderResponse;
import dev.grocer.testing.RecordingObserver;
import dev.grocer.testing.RpcError;
import dev.grocer.user.v1.UserServiceGrpc.UserServiceBlockingStub;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import net.devh.boot.grpc.client.inject.GrpcClient;

/** Orders advancing on their own, with a short simulator step, watched and cancelled while they do. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
        "grpc.server.port=-1",
        "grpc.server.in-process-name=grocer-fulfilment-test",
        "grpc.client.grocer.address=in-process:grocer-fulfilment-test",
        "grocer.orders.fulfilment.enabled=true",
        "grocer.orders.fulfilment.step-delay=20ms"})
class FulfilmentTest {

    @GrpcClient("grocer")
    OrderServiceBlockingStub orders;

    @GrpcClient("grocer")
    OrderServiceStub async;

    @GrpcClient("grocer")
    UserServiceBlockingStub users;

    private RecordingObserver<WatchOrderRequest, WatchOrderResponse> watch(String id) {
        RecordingObserver<WatchOrderRequest, WatchOrderResponse> watcher = RecordingObserver.autoFlowControl();
        async.watchOrder(WatchOrderRequest.newBuilder().setId(id).build(), watcher);
        return watcher;
    }

    @Test
    void watchOrder_seesEveryStatusUpToDeliveredAndThenEnds() {
        Order order = orders.registerOrder(groceries(OrderTestData.newUser(users).getId()));

        var watcher = watch(order.getId());
        watcher.awaitCompletion();

        List<WatchOrderResponse> events = watcher.values();
        // The watch may begin after the first step; what it sees is a suffix of the whole life, in order.
        List<OrderStatus> life = List.of(OrderStatus.ORDER_STATUS_PLACED, OrderStatus.ORDER_STATUS_PREPARING,
                OrderStatus.ORDER_STATUS_OUT_FOR_DELIVERY, OrderStatus.ORDER_STATUS_DELIVERED);
        List<OrderStatus> seen = events.stream().map(e -> e.getOrder().getStatus()).toList();
        assertThat(seen).isEqualTo(life.subList(life.indexOf(seen.get(0)), life.size()));
        assertThat(events.get(0).getChange()).isEqualTo(OrderChange.ORDER_CHANGE_CURRENT_STATE);
        assertThat(events.subList(1, events.size())).extracting(WatchOrderResponse::getChange)
                .containsOnly(OrderChange.ORDER_CHANGE_STATUS_CHANGED);
        assertThat(events.get(events.size() - 1).getOrder()).isEqualTo(orders.getOrder(
                dev.grocer.order.v1.GetOrderRequest.newBuilder().setId(order.getId()).build()));
    }

    @Test
    void aDeliveredOrderCanNeitherBeCancelledNorMoved() {
        Order order = orders.registerOrder(groceries(OrderTestData.newUser(users).getId()));
        watch(order.getId()).awaitCompletion();

        RpcError cancel = RpcError.of(() -> orders.cancelOrder(CancelOrderRequest.newBuilder()
                .setId(order.getId()).build()));
        RecordingObserver<UpdateOrderRequest, UpdateOrderResponse> reply = RecordingObserver.autoFlowControl();
        StreamObserver<UpdateOrderRequest> updates = async.updateOrder(reply);
        updates.onNext(UpdateOrderRequest.newBuilder().setOrderId(order.getId()).setDeliveryAddress(WORK).build());
        updates.onCompleted();
        RpcError move = RpcError.of(reply.awaitError());

        assertThat(cancel.code()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(cancel.errorInfo().getReason()).isEqualTo("ORDER_ALREADY_DELIVERED");
        assertThat(move.code()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(move.errorInfo().getReason()).isEqualTo("ORDER_ALREADY_DELIVERED");
    }

    @Test
    void cancelOrder_racingTheSimulator_neverLeavesAnOrderBothCancelledAndDelivered() throws Exception {
        String userId = OrderTestData.newUser(users).getId();
        int count = 40;
        List<Order> placed = new ArrayList<>();
        List<RecordingObserver<WatchOrderRequest, WatchOrderResponse>> watchers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Order order = orders.registerOrder(groceries(userId));
            placed.add(order);
            watchers.add(watch(order.getId()));
        }
        // Cancel each order at a random moment within its 60 ms life (three 20 ms steps).
        ConcurrentHashMap<String, Object> outcomes = new ConcurrentHashMap<>();
        ScheduledExecutorService cancellers = Executors.newScheduledThreadPool(4);
        try {
            for (Order order : placed) {
                cancellers.schedule(() -> {
                    try {
                        outcomes.put(order.getId(), orders.cancelOrder(
                                CancelOrderRequest.newBuilder().setId(order.getId()).build()));
                    } catch (StatusRuntimeException e) {
                        outcomes.put(order.getId(), RpcError.of(e));
                    }
                }, ThreadLocalRandom.current().nextInt(0, 80), TimeUnit.MILLISECONDS);
            }
            watchers.forEach(RecordingObserver::awaitCompletion);
        } finally {
            cancellers.shutdown();
            assertThat(cancellers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }

        for (int i = 0; i < count; i++) {
            Order order = placed.get(i);
            List<WatchOrderResponse> events = watchers.get(i).values();
            WatchOrderResponse last = events.get(events.size() - 1);
            long finals = events.stream().map(e -> e.getOrder().getStatus())
                    .filter(s -> s == OrderStatus.ORDER_STATUS_DELIVERED || s == OrderStatus.ORDER_STATUS_CANCELLED)
                    .count();
            assertThat(finals).as("final events of " + order.getId()).isEqualTo(1);
            Object outcome = outcomes.get(order.getId());
            if (outcome instanceof Order cancelled) {
                assertThat(cancelled.getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_CANCELLED);
                assertThat(last.getChange()).isEqualTo(OrderChange.ORDER_CHANGE_CANCELLED);
                assertThat(last.getOrder()).isEqualTo(cancelled);
            } else {
                RpcError refused = (RpcError) outcome;
                assertThat(refused.code()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                assertThat(refused.errorInfo().getReason()).isEqualTo("ORDER_ALREADY_DELIVERED");
                assertThat(last.getOrder().getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_DELIVERED);
            }
            assertThat(orders.getOrder(dev.grocer.order.v1.GetOrderRequest.newBuilder().setId(order.getId()).build()))
                    .isEqualTo(last.getOrder());
        }
    }
}
