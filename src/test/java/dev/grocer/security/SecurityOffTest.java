package dev.grocer.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.security.authentication.AuthenticationManager;

import dev.grocer.greeter.v1.GreeterServiceGrpc;
import dev.grocer.order.v1.OrderServiceGrpc;
import dev.grocer.testing.GrpcInProcessTest;
import dev.grocer.testing.DefaultRequestCall;
import dev.grocer.user.v1.UserServiceGrpc;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import net.devh.boot.grpc.client.inject.GrpcClient;

/**
 * Security is off by default: no token is asked for, and none of the starter's security interceptors is
 * even installed (they cost nothing then). ChatStream is left out: it stays open until the client leaves.
 */
@GrpcInProcessTest
class SecurityOffTest {

    @Autowired
    ApplicationContext context;

    @GrpcClient("grocer")
    Channel channel;

    @Test
    void noAuthenticationIsConfigured() {
        assertThat(context.getBeanNamesForType(AuthenticationManager.class)).isEmpty();
        assertThat(context.getBeanNamesForType(GrpcAccessPolicy.class)).isEmpty();
        assertThat(context.getBeanNamesForType(
                net.devh.boot.grpc.server.security.interceptors.AuthenticatingServerInterceptor.class)).isEmpty();
    }

    @Test
    void everyRpc_withoutAToken_isServed() {
        List<MethodDescriptor<?, ?>> methods = Stream.of(UserServiceGrpc.getServiceDescriptor(),
                OrderServiceGrpc.getServiceDescriptor(), GreeterServiceGrpc.getServiceDescriptor())
                .<MethodDescriptor<?, ?>>flatMap(service -> service.getMethods().stream())
                .filter(method -> !method.getFullMethodName().endsWith("/ChatStream"))
                .toList();

        for (MethodDescriptor<?, ?> method : methods) {
            // Served: OK, or a complaint about the empty request (or the order it names); never refused.
            assertThat(DefaultRequestCall.of(channel, method, CallOptions.DEFAULT).status().getCode())
                    .as(method.getFullMethodName())
                    .isIn(Status.Code.OK, Status.Code.INVALID_ARGUMENT, Status.Code.NOT_FOUND);
        }
        assertThat(methods).hasSize(16);
    }
}
