package dev.grocer.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.grocer.grpc.GrocerServices;
import io.grpc.MethodDescriptor;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;

/**
 * The access policy as the contracts decide it: the reads are exactly the RPCs their protos mark
 * {@code NO_SIDE_EFFECTS}, and every other RPC of grocer needs the write authority.
 */
class GrpcAccessPolicyTest {

    private static final List<String> READS = List.of("grocer.user.v1.UserService/GetUser",
            "grocer.user.v1.UserService/ListUsers", "grocer.order.v1.OrderService/GetOrder",
            "grocer.order.v1.OrderService/ListOrders", "grocer.order.v1.OrderService/WatchOrder",
            "grocer.greeter.v1.GreeterService/SayHello", "grocer.greeter.v1.GreeterService/GetItem",
            "grocer.greeter.v1.GreeterService/ListItems");

    private static final List<String> WRITES = List.of("grocer.user.v1.UserService/CreateUser",
            "grocer.user.v1.UserService/UpdateUser", "grocer.user.v1.UserService/DeleteUser",
            "grocer.user.v1.UserService/CreateUsers", "grocer.user.v1.UserService/ChatStream",
            "grocer.order.v1.OrderService/RegisterOrder", "grocer.order.v1.OrderService/UpdateOrder",
            "grocer.order.v1.OrderService/CancelOrder", "grocer.greeter.v1.GreeterService/AddItem");

    private static GrpcAccessPolicy policy(boolean protectReads) {
        return new GrpcAccessPolicy(new SecurityProperties(true, protectReads, "SCOPE_w", "SCOPE_r"));
    }

    @Test
    void reads_areExactlyTheRpcsWithoutSideEffects() {
        assertThat(GrpcAccessPolicy.READS).containsExactlyInAnyOrderElementsOf(READS);
    }

    @Test
    void everyRpc_isAReadOrAWrite() {
        assertThat(GrocerServices.methods()).extracting(MethodDescriptor::getFullMethodName)
                .containsExactlyInAnyOrderElementsOf(Stream.concat(READS.stream(), WRITES.stream()).toList());
    }

    @Test
    void readsAreOpen_andEveryOtherRpcNeedsTheWriteAuthority() {
        GrpcAccessPolicy policy = policy(false);
        for (MethodDescriptor<?, ?> method : GrocerServices.methods()) {
            String name = method.getFullMethodName();
            assertThat(policy.requiredAuthority(method)).as(name).isEqualTo(READS.contains(name) ? null : "SCOPE_w");
        }
    }

    @Test
    void protectedReads_needTheReadAuthority() {
        GrpcAccessPolicy policy = policy(true);
        for (MethodDescriptor<?, ?> method : GrocerServices.methods()) {
            String name = method.getFullMethodName();
            assertThat(policy.requiredAuthority(method)).as(name)
                    .isEqualTo(READS.contains(name) ? "SCOPE_r" : "SCOPE_w");
        }
    }

    @Test
    void healthAndReflection_stayOpen_evenWithProtectedReads() {
        GrpcAccessPolicy policy = policy(true);

        assertThat(policy.requiredAuthority(HealthGrpc.getCheckMethod())).isNull();
        assertThat(policy.requiredAuthority(ServerReflectionGrpc.getServerReflectionInfoMethod())).isNull();
    }
}
