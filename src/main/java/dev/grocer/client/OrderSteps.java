package dev.grocer.client;

import java.util.concurrent.TimeUnit;

import com.google.type.Money;

import dev.grocer.order.v1.Address;
import dev.grocer.order.v1.CancelOrderRequest;
import dev.grocer.order.v1.GetOrderRequest;
import dev.grocer.order.v1.ListOrdersRequest;
import dev.grocer.order.v1.ListOrdersResponse;
import dev.grocer.order.v1.Order;
import dev.grocer.order.v1.OrderItem;
import dev.grocer.order.v1.OrderStatus;
import dev.grocer.order.v1.RegisterOrderRequest;
import dev.grocer.order.v1.UpdateOrderRequest;
import dev.grocer.order.v1.UpdateOrderResponse;
import dev.grocer.order.v1.WatchOrderRequest;
import dev.grocer.order.v1.WatchOrderResponse;
import dev.grocer.user.v1.User;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;

/** The demo's OrderService steps: an order from registration to delivery, a cancelled one, pages of orders. */
final class OrderSteps {

    private static final Address HOME = Address.newBuilder()
            .setStreet("Main Street").setNumber("12B").setCity("Springfield").setPostalCode("SW1A 1AA").build();
    private static final Address WORK = Address.newBuilder()
            .setStreet("Harbour Road").setNumber("1").setCity("Shelbyville").setPostalCode("12345").build();

    private final GrocerStubs stubs;
    private final DemoScript script;

    OrderSteps(GrocerStubs stubs, DemoScript script) {
        this.stubs = stubs;
        this.script = script;
    }

    /** Registers an order, moves it, watches it to delivery, cancels a second one, and lists both. */
    void orders(User buyer) {
        script.section("OrderService");
        Order order = register(buyer);
        script.step("OrderService/RegisterOrder", "order " + order.getId() + ": " + order.getItemsCount() + " items, total "
                + DemoScript.money(order.getTotal()) + ", " + order.getStatus());

        // Watch from the start, so every change shows: the address updates below and the fulfilment
        // simulator's steps. A generous deadline, in case the simulator is off.
        StreamCollector<WatchOrderResponse> watch = new StreamCollector<>();
        stubs.ordersAsync().withDeadlineAfter(60, TimeUnit.SECONDS)
                .watchOrder(WatchOrderRequest.newBuilder().setId(order.getId()).build(), watch);
        watch.awaitMessage(event -> true, "the order's current state from WatchOrder");

        StreamCollector<UpdateOrderResponse> moved = new StreamCollector<>();
        StreamObserver<UpdateOrderRequest> moves = stubs.ordersAsync().updateOrder(moved);
        moves.onNext(UpdateOrderRequest.newBuilder().setOrderId(order.getId()).setDeliveryAddress(WORK).build());
        moves.onNext(UpdateOrderRequest.newBuilder().setOrderId(order.getId())
                .setDeliveryAddress(WORK.toBuilder().setNumber("3")).build());
        moves.onCompleted();
        UpdateOrderResponse updated = moved.awaitSingle("UpdateOrder");
        script.step("OrderService/UpdateOrder", "streamed 2 address updates, " + updated.getUpdatesApplied()
                + " applied: now to " + DemoScript.address(updated.getOrder().getDeliveryAddress()));
        Order fetched = stubs.orders().getOrder(GetOrderRequest.newBuilder().setId(order.getId()).build());
        DemoScript.check(fetched.getDeliveryAddress().equals(updated.getOrder().getDeliveryAddress()),
                "GetOrder does not show the updated address");
        script.step("OrderService/GetOrder", "order " + fetched.getId() + " goes to "
                + DemoScript.address(fetched.getDeliveryAddress()) + ", " + fetched.getStatus());

        try {
            watch.awaitEnd("WatchOrder", TimeUnit.SECONDS.toMillis(61));
        } catch (StatusRuntimeException e) {
            throw new DemoScript.StepFailed("WatchOrder did not see the order delivered within 60 s ("
                    + e.getStatus().getCode() + "); is grocer.orders.fulfilment.enabled on?");
        }
        OrderStatus last = OrderStatus.ORDER_STATUS_UNSPECIFIED;
        for (WatchOrderResponse event : watch.messages()) {
            last = event.getOrder().getStatus();
            script.step("OrderService/WatchOrder", event.getChange() + " -> " + last);
        }
        DemoScript.check(last == OrderStatus.ORDER_STATUS_DELIVERED, "WatchOrder ended at " + last);

        Order second = register(buyer);
        Order cancelled = stubs.orders().cancelOrder(CancelOrderRequest.newBuilder().setId(second.getId()).build());
        DemoScript.check(cancelled.getStatus() == OrderStatus.ORDER_STATUS_CANCELLED, "CancelOrder left " + cancelled.getStatus());
        script.step("OrderService/CancelOrder", "order " + second.getId() + " is " + cancelled.getStatus());
        script.expectError("OrderService/CancelOrder of the delivered order", Status.Code.FAILED_PRECONDITION,
                () -> stubs.orders().cancelOrder(CancelOrderRequest.newBuilder().setId(order.getId()).build()));

        String token = "";
        int page = 0;
        do {
            ListOrdersResponse response = stubs.orders().listOrders(ListOrdersRequest.newBuilder()
                    .setUserId(buyer.getId()).setPageSize(1).setPageToken(token).build());
            page++;
            for (Order listed : response.getOrdersList()) {
                script.step("OrderService/ListOrders", "page " + page + " (page_size 1): " + listed.getId() + " "
                        + listed.getStatus());
            }
            token = response.getNextPageToken();
        } while (!token.isEmpty());
        DemoScript.check(page == 2, "ListOrders took " + page + " pages for 2 orders");
    }

    /** Registers an order of apples and bread for {@code buyer}, delivered HOME. */
    Order register(User buyer) {
        return stubs.orders().registerOrder(RegisterOrderRequest.newBuilder().setOrder(Order.newBuilder()
                .setUserId(buyer.getId())
                .addItems(OrderItem.newBuilder().setProduct("Apples").setQuantity(6).setUnitPrice(eur(0, 450_000_000)))
                .addItems(OrderItem.newBuilder().setProduct("Bread").setQuantity(1).setUnitPrice(eur(3, 100_000_000)))
                .setDeliveryAddress(HOME))
                .build());
    }

    private static Money eur(long units, int nanos) {
        return Money.newBuilder().setCurrencyCode("EUR").setUnits(units).setNanos(nanos).build();
    }
}
