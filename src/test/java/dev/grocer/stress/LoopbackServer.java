package dev.grocer.stress;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;

import dev.grocer.GrocerApplication;
import dev.grocer.grpc.server.GrpcProbes;
import dev.grocer.user.UserRepository;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.ServerInterceptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import net.devh.boot.grpc.server.interceptor.GlobalServerInterceptorConfigurer;

/**
 * The whole grocer application in this JVM with its gRPC server on a free loopback port (Netty, real
 * HTTP/2 flow control), instrumented for the load and fault tests: the user store counts the users it
 * hands out to listings, and an interceptor records the deadline each call carries.
 *
 * <p>The instruments are registered by an initializer rather than as annotated classes, so component
 * scanning of {@code dev.grocer} never adds them to another test's application.
 */
final class LoopbackServer implements AutoCloseable {

    private final ConfigurableApplicationContext context;
    private final AtomicLong usersListed = new AtomicLong();
    private final Map<String, Deadline> deadlines = new ConcurrentHashMap<>();
    private final List<ManagedChannel> channels = new ArrayList<>();

    private LoopbackServer(String... args) {
        List<String> all = new ArrayList<>(List.of("--grpc.server.port=0", "--grpc.server.address=127.0.0.1",
                "--server.port=0", "--server.address=127.0.0.1", "--grpc.server.shutdown-grace-period=1s"));
        // No logging levels here: they would outlast this application in the shared test JVM.
        all.addAll(List.of(args));
        context = new SpringApplicationBuilder(GrocerApplication.class)
                .initializers(ctx -> instrument((GenericApplicationContext) ctx))
                .run(all.toArray(String[]::new));
    }

    /** Starts grocer with the loopback settings and {@code args} on top (command-line arguments). */
    static LoopbackServer start(String... args) {
        return new LoopbackServer(args);
    }

    private void instrument(GenericApplicationContext ctx) {
        ctx.getBeanFactory().addBeanPostProcessor(new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                return bean instanceof UserRepository repository ? countingListings(repository) : bean;
            }
        });
        ServerInterceptor deadlineRecorder = new ServerInterceptor() {
            @Override
            public <ReqT, RespT> io.grpc.ServerCall.Listener<ReqT> interceptCall(io.grpc.ServerCall<ReqT, RespT> call,
                    io.grpc.Metadata headers, io.grpc.ServerCallHandler<ReqT, RespT> next) {
                // The call's Context is current here, as it is in the service method: a downstream stub
                // called there would inherit this deadline.
                Deadline deadline = Context.current().getDeadline();
                if (deadline != null) {
                    deadlines.put(call.getMethodDescriptor().getFullMethodName(), deadline);
                }
                return next.startCall(call, headers);
            }
        };
        ctx.registerBean("stressDeadlineRecorder", GlobalServerInterceptorConfigurer.class,
                () -> interceptors -> interceptors.add(deadlineRecorder));
    }

    /** Wraps the store so that every user it hands to a listing ({@code listAfter}) is counted. */
    private UserRepository countingListings(UserRepository repository) {
        return (UserRepository) Proxy.newProxyInstance(UserRepository.class.getClassLoader(),
                new Class<?>[] {UserRepository.class}, (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(repository, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (method.getName().equals("listAfter")) {
                        usersListed.addAndGet(((List<?>) result).size());
                    }
                    return result;
                });
    }

    ConfigurableApplicationContext context() {
        return context;
    }

    <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    /** A new connection to the server; closed with the server. */
    synchronized ManagedChannel newChannel() {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", GrpcProbes.port(context))
                .usePlaintext().build();
        channels.add(channel);
        return channel;
    }

    /**
     * A new connection whose HTTP/2 flow-control window is fixed at {@code flowControlWindow} bytes (no
     * auto-tuning), so that what the server may send ahead of a slow reader has a known bound.
     */
    synchronized ManagedChannel newChannel(int flowControlWindow) {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", GrpcProbes.port(context))
                .usePlaintext().flowControlWindow(flowControlWindow).build();
        channels.add(channel);
        return channel;
    }

    /** How many users the store has handed out to listings since the start. */
    long usersListed() {
        return usersListed.get();
    }

    /** The deadline the last call of {@code fullMethodName} carried into the server, if it had one. */
    Deadline deadlineSeen(String fullMethodName) {
        return deadlines.get(fullMethodName);
    }

    int inFlightCalls() {
        return GrpcProbes.inFlightCalls(context);
    }

    @Override
    public synchronized void close() throws InterruptedException {
        for (ManagedChannel channel : channels) {
            channel.shutdownNow();
        }
        for (ManagedChannel channel : channels) {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        }
        context.close();
    }
}
