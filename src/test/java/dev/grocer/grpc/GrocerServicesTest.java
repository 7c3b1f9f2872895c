package dev.grocer.grpc;

import static com.google.api.FieldBehavior.IDENTIFIER;
import static com.google.api.FieldBehavior.IMMUTABLE;
import static com.google.api.FieldBehavior.OUTPUT_ONLY;
import static com.google.api.FieldBehavior.REQUIRED;
import static com.google.protobuf.DescriptorProtos.MethodOptions.IdempotencyLevel.IDEMPOTENCY_UNKNOWN;
import static com.google.protobuf.DescriptorProtos.MethodOptions.IdempotencyLevel.IDEMPOTENT;
import static com.google.protobuf.DescriptorProtos.MethodOptions.IdempotencyLevel.NO_SIDE_EFFECTS;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.google.api.FieldBehavior;
import com.google.api.FieldBehaviorProto;
import com.google.protobuf.DescriptorProtos.MethodOptions.IdempotencyLevel;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;

import dev.grocer.greeter.v1.Item;
import dev.grocer.order.v1.Order;
import dev.grocer.user.v1.User;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoMethodDescriptorSupplier;

/**
 * What the contracts declare, checked RPC by RPC and field by field: each decision is written here once
 * more, so a proto change that alters one (and with it who may call a method or what the client retries)
 * fails until it is made on purpose.
 */
class GrocerServicesTest {

    /** Every RPC of grocer and its idempotency level: unmarked ones may not be repeated blindly. */
    private static final Map<String, IdempotencyLevel> LEVELS = Map.ofEntries(
            Map.entry("grocer.user.v1.UserService/CreateUser", IDEMPOTENCY_UNKNOWN),
            Map.entry("grocer.user.v1.UserService/GetUser", NO_SIDE_EFFECTS),
            Map.entry("grocer.user.v1.UserService/UpdateUser", IDEMPOTENCY_UNKNOWN),
            Map.entry("grocer.user.v1.UserService/DeleteUser", IDEMPOTENT),
            Map.entry("grocer.user.v1.UserService/ListUsers", NO_SIDE_EFFECTS),
            Map.entry("grocer.user.v1.UserService/CreateUsers", IDEMPOTENCY_UNKNOWN),
            Map.entry("grocer.user.v1.UserService/ChatStream", IDEMPOTENCY_UNKNOWN),
            Map.entry("grocer.order.v1.OrderService/RegisterOrder", IDEMPOTENCY_UNKNOWN),
            Map.entry("grocer.order.v1.OrderService/GetOrder", NO_SIDE_EFFECTS),
            Map.entry("grocer.order.v1.OrderService/ListOrders", NO_SIDE_EFFECTS),
            Map.entry("grocer.order.v1.OrderService/UpdateOrder", IDEMPOTENCY_UNKNOWN),
            Map.entry("grocer.order.v1.OrderService/CancelOrder", IDEMPOTENT),
            Map.entry("grocer.order.v1.OrderService/WatchOrder", NO_SIDE_EFFECTS),
            Map.entry("grocer.greeter.v1.GreeterService/SayHello", NO_SIDE_EFFECTS),
            Map.entry("grocer.greeter.v1.GreeterService/AddItem", IDEMPOTENCY_UNKNOWN),
            Map.entry("grocer.greeter.v1.GreeterService/GetItem", NO_SIDE_EFFECTS),
            Map.entry("grocer.greeter.v1.GreeterService/ListItems", NO_SIDE_EFFECTS));

    private static IdempotencyLevel declaredLevel(MethodDescriptor<?, ?> method) {
        return ((ProtoMethodDescriptorSupplier) method.getSchemaDescriptor()).getMethodDescriptor().getOptions()
                .getIdempotencyLevel();
    }

    private static Map<String, List<FieldBehavior>> behaviours(Descriptor message) {
        Map<String, List<FieldBehavior>> behaviours = new LinkedHashMap<>();
        for (FieldDescriptor field : message.getFields()) {
            behaviours.put(field.getName(), field.getOptions().getExtension(FieldBehaviorProto.fieldBehavior));
        }
        return behaviours;
    }

    @Test
    void everyRpcDeclaresTheIdempotencyLevelDecidedForIt() {
        Map<String, IdempotencyLevel> declared = new LinkedHashMap<>();
        GrocerServices.methods().forEach(method -> declared.put(method.getFullMethodName(), declaredLevel(method)));

        assertThat(declared).containsExactlyInAnyOrderEntriesOf(LEVELS);
    }

    @Test
    void theGeneratedMethodDescriptorsCarryTheLevel() {
        for (MethodDescriptor<?, ?> method : GrocerServices.methods()) {
            IdempotencyLevel level = declaredLevel(method);
            assertThat(method.isSafe()).as(method.getFullMethodName()).isEqualTo(level == NO_SIDE_EFFECTS);
            assertThat(method.isIdempotent()).as(method.getFullMethodName()).isEqualTo(level != IDEMPOTENCY_UNKNOWN);
        }
    }

    @Test
    void methods_listsEveryRpcOfEachServiceInProtoOrder() {
        assertThat(GrocerServices.methods()).extracting(MethodDescriptor::getFullMethodName).containsExactly(
                "grocer.user.v1.UserService/CreateUser", "grocer.user.v1.UserService/GetUser",
                "grocer.user.v1.UserService/UpdateUser", "grocer.user.v1.UserService/DeleteUser",
                "grocer.user.v1.UserService/ListUsers", "grocer.user.v1.UserService/CreateUsers",
                "grocer.user.v1.UserService/ChatStream", "grocer.order.v1.OrderService/RegisterOrder",
                "grocer.order.v1.OrderService/GetOrder", "grocer.order.v1.OrderService/ListOrders",
                "grocer.order.v1.OrderService/UpdateOrder", "grocer.order.v1.OrderService/CancelOrder",
                "grocer.order.v1.OrderService/WatchOrder", "grocer.greeter.v1.GreeterService/SayHello",
                "grocer.greeter.v1.GreeterService/AddItem", "grocer.greeter.v1.GreeterService/GetItem",
                "grocer.greeter.v1.GreeterService/ListItems");
    }

    @Test
    void theResources_declareTheBehaviourOfEachField() {
        assertThat(behaviours(User.getDescriptor())).containsExactlyInAnyOrderEntriesOf(Map.of(
                "id", List.of(IDENTIFIER), "display_name", List.of(REQUIRED), "email", List.of(REQUIRED),
                "create_time", List.of(OUTPUT_ONLY), "update_time", List.of(OUTPUT_ONLY),
                // Sent back in UpdateUser's user.etag, so not output only.
                "etag", List.of()));
        assertThat(behaviours(Order.getDescriptor())).containsExactlyInAnyOrderEntriesOf(Map.of(
                "id", List.of(IDENTIFIER), "user_id", List.of(REQUIRED, IMMUTABLE), "items", List.of(REQUIRED),
                "delivery_address", List.of(REQUIRED), "status", List.of(OUTPUT_ONLY), "total", List.of(OUTPUT_ONLY),
                "create_time", List.of(OUTPUT_ONLY), "update_time", List.of(OUTPUT_ONLY),
                "etag", List.of(OUTPUT_ONLY)));
        assertThat(behaviours(Item.getDescriptor())).containsExactlyInAnyOrderEntriesOf(Map.of(
                "id", List.of(IDENTIFIER), "name", List.of(REQUIRED), "quantity", List.of(REQUIRED),
                "create_time", List.of(OUTPUT_ONLY), "update_time", List.of(OUTPUT_ONLY),
                "etag", List.of(OUTPUT_ONLY)));
    }
}
