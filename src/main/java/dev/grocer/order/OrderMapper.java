package dev.grocer.order;

import java.util.List;

import dev.grocer.order.v1.WatchOrderResponse;
import dev.grocer.grpc.ProtoTime;

/** Translates between {@code grocer.order.v1} messages and the order domain. */
final class OrderMapper {

    private OrderMapper() {}

    static dev.grocer.order.v1.Order toProto(Order order) {
        dev.grocer.order.v1.Order.Builder proto = dev.grocer.order.v1.Order.newBuilder()
                .setId(order.id())
                .setUserId(order.userId())
                .setDeliveryAddress(toProto(order.deliveryAddress()))
                .setStatus(toProto(order.status()))
                .setTotal(toProto(order.total()))
                .setCreateTime(ProtoTime.of(order.createTime()))
                .setUpdateTime(ProtoTime.of(order.updateTime()))
                .setEtag(order.etag());
        for (OrderItem item : order.items()) {
            proto.addItemsBuilder().setProduct(item.product()).setQuantity(item.quantity())
                    .setUnitPrice(toProto(item.unitPrice()));
        }
        return proto.build();
    }

    static NewOrder toNewOrder(dev.grocer.order.v1.Order order) {
        List<OrderItem> items = order.getItemsList().stream()
                .map(i -> new OrderItem(i.getProduct(), i.getQuantity(),
                        i.hasUnitPrice() ? toMoney(i.getUnitPrice()) : null))
                .toList();
        return new NewOrder(order.getUserId(), items,
                order.hasDeliveryAddress() ? toAddress(order.getDeliveryAddress()) : null);
    }

    static Address toAddress(dev.grocer.order.v1.Address address) {
        return new Address(address.getStreet(), address.getNumber(), address.getCity(), address.getPostalCode());
    }

    static WatchOrderResponse toProto(OrderEvent event) {
        return WatchOrderResponse.newBuilder()
                .setChange(toProto(event.change()))
                .setOrder(toProto(event.order()))
                .build();
    }

    // Switches, not valueOf("ORDER_STATUS_" + name()): no string building per order, and the compiler
    // insists on a case for every new domain value.
    private static dev.grocer.order.v1.OrderStatus toProto(OrderStatus status) {
        return switch (status) {
            case PLACED -> dev.grocer.order.v1.OrderStatus.ORDER_STATUS_PLACED;
            case PREPARING -> dev.grocer.order.v1.OrderStatus.ORDER_STATUS_PREPARING;
            case OUT_FOR_DELIVERY -> dev.grocer.order.v1.OrderStatus.ORDER_STATUS_OUT_FOR_DELIVERY;
            case DELIVERED -> dev.grocer.order.v1.OrderStatus.ORDER_STATUS_DELIVERED;
            case CANCELLED -> dev.grocer.order.v1.OrderStatus.ORDER_STATUS_CANCELLED;
        };
    }

    private static dev.grocer.order.v1.OrderChange toProto(OrderChange change) {
        return switch (change) {
            case CURRENT_STATE -> dev.grocer.order.v1.OrderChange.ORDER_CHANGE_CURRENT_STATE;
            case ADDRESS_UPDATED -> dev.grocer.order.v1.OrderChange.ORDER_CHANGE_ADDRESS_UPDATED;
            case STATUS_CHANGED -> dev.grocer.order.v1.OrderChange.ORDER_CHANGE_STATUS_CHANGED;
            case CANCELLED -> dev.grocer.order.v1.OrderChange.ORDER_CHANGE_CANCELLED;
        };
    }

    private static dev.grocer.order.v1.Address toProto(Address address) {
        return dev.grocer.order.v1.Address.newBuilder()
                .setStreet(address.street())
                .setNumber(address.number())
                .setCity(address.city())
                .setPostalCode(address.postalCode())
                .build();
    }

    private static com.google.type.Money toProto(Money money) {
        return com.google.type.Money.newBuilder()
                .setCurrencyCode(money.currencyCode()).setUnits(money.units()).setNanos(money.nanos()).build();
    }

    private static Money toMoney(com.google.type.Money money) {
        return new Money(money.getCurrencyCode(), money.getUnits(), money.getNanos());
    }
}
