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
                .setStatus(dev.grocer.order.v1.OrderStatus.valueOf("ORDER_STATUS_" + order.status().name()))
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
                .setChange(dev.grocer.order.v1.OrderChange.valueOf("ORDER_CHANGE_" + event.change().name()))
                .setOrder(toProto(event.order()))
                .build();
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
