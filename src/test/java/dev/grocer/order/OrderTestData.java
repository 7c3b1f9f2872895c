package dev.grocer.order;

import java.util.UUID;

import com.google.type.Money;

import dev.grocer.order.v1.Address;
import dev.grocer.order.v1.Order;
import dev.grocer.order.v1.OrderItem;
import dev.grocer.order.v1.RegisterOrderRequest;
import dev.grocer.user.v1.CreateUserRequest;
import dev.grocer.user.v1.User;
import dev.grocer.user.v1.UserServiceGrpc.UserServiceBlockingStub;

/** Orders and users for order tests; every user is new, so tests can filter by it. */
public final class OrderTestData {

    static final Address HOME = Address.newBuilder()
            .setStreet("Main Street").setNumber("12B").setCity("Springfield").setPostalCode("SW1A 1AA").build();
    static final Address WORK = Address.newBuilder()
            .setStreet("Harbour Road").setNumber("1").setCity("Shelbyville").setPostalCode("12345").build();

    private OrderTestData() {}

    public static User newUser(UserServiceBlockingStub users) {
        return users.createUser(CreateUserRequest.newBuilder().setUser(User.newBuilder()
                .setDisplayName("Buyer").setEmail("buyer-" + UUID.randomUUID() + "@example.com")).build());
    }

    static Money eur(long units, int nanos) {
        return Money.newBuilder().setCurrencyCode("EUR").setUnits(units).setNanos(nanos).build();
    }

    static OrderItem item(String product, int quantity, Money unitPrice) {
        return OrderItem.newBuilder().setProduct(product).setQuantity(quantity).setUnitPrice(unitPrice).build();
    }

    /** Two apples at 1.25 and one bread at 3.10: 5.60 EUR. */
    public static RegisterOrderRequest groceries(String userId) {
        return RegisterOrderRequest.newBuilder().setOrder(Order.newBuilder()
                .setUserId(userId)
                .addItems(item("Apple", 2, eur(1, 250_000_000)))
                .addItems(item("Bread", 1, eur(3, 100_000_000)))
                .setDeliveryAddress(HOME))
                .build();
    }
}
