package dev.grocer.order;

import org.springframework.context.event.EventListener;

import dev.grocer.common.DomainException;
import dev.grocer.common.PageRequest;
import dev.grocer.grpc.GrpcErrors;
import dev.grocer.grpc.GrpcSubscriber;
import dev.grocer.order.v1.CancelOrderRequest;
import dev.grocer.order.v1.GetOrderRequest;
import dev.grocer.order.v1.ListOrdersRequest;
import dev.grocer.order.v1.ListOrdersResponse;
import dev.grocer.order.v1.OrderServiceGrpc;
import dev.grocer.order.v1.RegisterOrderRequest;
import dev.grocer.order.v1.UpdateOrderRequest;
import dev.grocer.order.v1.UpdateOrderResponse;
import dev.grocer.order.v1.WatchOrderRequest;
import dev.grocer.order.v1.WatchOrderResponse;
import io.grpc.stub.StreamObserver;
import net.devh.boot.grpc.server.event.GrpcServerShutdownEvent;
import net.devh.boot.grpc.server.service.GrpcService;

/**
 * The gRPC edge of OrderService: maps requests to {@link OrderManagement} and the results back.
 * Exceptions thrown here reach clients through the {@code @GrpcAdvice}; stream callbacks that cannot
 * throw use the same mapping, {@link GrpcErrors}.
 */
@GrpcService
class OrderGrpcService extends OrderServiceGrpc.OrderServiceImplBase {

    private final OrderManagement orders;
    private final OrderProperties properties;

    OrderGrpcService(OrderManagement orders, OrderProperties properties) {
        this.orders = orders;
        this.properties = properties;
    }

    @Override
    public void registerOrder(RegisterOrderRequest request, StreamObserver<dev.grocer.order.v1.Order> response) {
        Order order = orders.register(OrderMapper.toNewOrder(request.getOrder()), request.getRequestId());
        response.onNext(OrderMapper.toProto(order));
        response.onCompleted();
    }

    @Override
    public void getOrder(GetOrderRequest request, StreamObserver<dev.grocer.order.v1.Order> response) {
        response.onNext(OrderMapper.toProto(orders.get(request.getId())));
        response.onCompleted();
    }

    @Override
    public void listOrders(ListOrdersRequest request, StreamObserver<ListOrdersResponse> response) {
        PageRequest.Page<Order> page = orders.list(request.getPageSize(), request.getPageToken(), request.getUserId());
        ListOrdersResponse.Builder reply = ListOrdersResponse.newBuilder().setNextPageToken(page.nextPageToken());
        page.items().forEach(order -> reply.addOrders(OrderMapper.toProto(order)));
        response.onNext(reply.build());
        response.onCompleted();
    }

    @Override
    public StreamObserver<UpdateOrderRequest> updateOrder(StreamObserver<UpdateOrderResponse> response) {
        return new UpdateOrderCall(orders.openMoves(), response);
    }

    @Override
    public void cancelOrder(CancelOrderRequest request, StreamObserver<dev.grocer.order.v1.Order> response) {
        response.onNext(OrderMapper.toProto(orders.cancel(request.getId(), request.getEtag())));
        response.onCompleted();
    }

    @Override
    public void watchOrder(WatchOrderRequest request, StreamObserver<WatchOrderResponse> response) {
        GrpcSubscriber<OrderEvent, WatchOrderResponse> watcher =
                new GrpcSubscriber<>(response, properties.watchOutboxCapacity(), OrderMapper::toProto);
        orders.watch(request.getId(), watcher);
        watcher.onCancel(() -> orders.unwatch(request.getId(), watcher));
    }

    /** Ends open watches when the server begins to shut down, instead of holding it up. */
    @EventListener(GrpcServerShutdownEvent.class)
    void onServerShutdown() {
        orders.closeAllWatches(DomainException.unavailable("SERVER_SHUTTING_DOWN",
                "the server is shutting down; watch again to resume"));
    }

    /**
     * One UpdateOrder stream: each request moves the order (the stream's rules live in
     * {@link OrderManagement.AddressMoves}); the first error ends the stream with the count of updates applied, and
     * completing it answers the order as it now is.
     */
    private static final class UpdateOrderCall implements StreamObserver<UpdateOrderRequest> {

        private final OrderManagement.AddressMoves moves;
        private final StreamObserver<UpdateOrderResponse> response;
        private boolean failed;

        UpdateOrderCall(OrderManagement.AddressMoves moves, StreamObserver<UpdateOrderResponse> response) {
            this.moves = moves;
            this.response = response;
        }

        @Override
        public void onNext(UpdateOrderRequest request) {
            if (failed) {
                return;
            }
            try {
                moves.move(request.getOrderId(),
                        request.hasDeliveryAddress() ? OrderMapper.toAddress(request.getDeliveryAddress()) : null);
            } catch (DomainException e) {
                failed = true;
                response.onError(GrpcErrors.toStatusRuntimeException(
                        e.withMetadata("updates_applied", Integer.toString(moves.applied()))));
            }
        }

        @Override
        public void onError(Throwable t) {
            failed = true;
        }

        @Override
        public void onCompleted() {
            if (failed) {
                return;
            }
            try {
                Order order = moves.result();
                response.onNext(UpdateOrderResponse.newBuilder()
                        .setOrder(OrderMapper.toProto(order)).setUpdatesApplied(moves.applied()).build());
                response.onCompleted();
            } catch (DomainException e) {
                response.onError(GrpcErrors.toStatusRuntimeException(e));
            }
        }
    }
}
