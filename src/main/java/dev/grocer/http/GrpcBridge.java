package dev.grocer.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.springframework.context.SmartLifecycle;

import dev.grocer.grpc.server.GrpcTransport;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import net.devh.boot.grpc.server.config.GrpcServerProperties;
import net.devh.boot.grpc.server.serverfactory.GrpcServerConfigurer;
import net.devh.boot.grpc.server.service.GrpcServiceDefinition;
import net.devh.boot.grpc.server.service.GrpcServiceDiscoverer;

/**
 * The gRPC services as the HTTP side calls them: an in-process server (grpc-java's, no sockets, no
 * serialization of the messages it is handed) serving the very service definitions the Netty server serves,
 * with the same interceptors, limits and executor, and one channel to it. A call that arrives over HTTP is
 * therefore validated, checked for a token, limited, counted, logged and traced exactly as a gRPC call; the
 * metrics tell them apart by their {@code transport} tag ({@link Transports}).
 *
 * <p>It is a server of its own rather than net.devh's {@code grpc.server.in-process-name}: that one would send
 * the starter's started and shutdown events a second time, which grocer's health, metrics and shutdown treat as
 * the one gRPC server's. Its name is random, so several grocer servers can run in one JVM (as the tests do).
 * It starts with the web server and stops after it ({@link #getPhase()}): the Netty server's shutdown event,
 * which ends watches and chats, comes first, then the web server's graceful shutdown lets HTTP calls finish,
 * then this server waits out what is left for the gRPC grace period.
 */
final class GrpcBridge implements SmartLifecycle {

    private final String name = GrpcTransport.BRIDGE_NAME_PREFIX + UUID.randomUUID();
    private final GrpcServiceDiscoverer services;
    private final List<GrpcServerConfigurer> configurers;
    private final GrpcServerProperties properties;
    private volatile Server server;
    private volatile ManagedChannel channel;
    private volatile ScheduledExecutorService timer;

    GrpcBridge(GrpcServiceDiscoverer services, List<GrpcServerConfigurer> configurers,
            GrpcServerProperties properties) {
        this.services = services;
        this.configurers = configurers;
        this.properties = properties;
    }

    /** The channel to the services; calls on it run their callbacks on the thread that completes them. */
    ManagedChannel channel() {
        ManagedChannel current = channel;
        if (current == null) {
            throw new IllegalStateException("the HTTP bridge to the gRPC services is not running");
        }
        return current;
    }

    @Override
    public synchronized void start() {
        // Deadlines and idle timeouts on a timer of its own: grpc-java's shared one would be started by the first
        // HTTP request, on a servlet thread, and outlive the web server's shutdown (Tomcat reports it as a leak).
        timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "http-bridge-timer");
            thread.setDaemon(true);
            return thread;
        });
        InProcessServerBuilder builder = InProcessServerBuilder.forName(name).scheduledExecutorService(timer);
        for (GrpcServiceDefinition service : services.findGrpcServices()) {
            builder.addService(service.getDefinition());
        }
        if (properties.getMaxInboundMessageSize() != null) {
            builder.maxInboundMessageSize((int) properties.getMaxInboundMessageSize().toBytes());
        }
        if (properties.getMaxInboundMetadataSize() != null) {
            builder.maxInboundMetadataSize((int) properties.getMaxInboundMetadataSize().toBytes());
        }
        configurers.forEach(configurer -> configurer.accept(builder));
        try {
            server = builder.build().start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the in-process gRPC server for HTTP", e);
        }
        // The caller's thread runs the callbacks: the servlet thread for a unary call, the thread that sends a
        // stream's messages for a stream (Transcoding and GrpcWeb hand those on themselves).
        channel = InProcessChannelBuilder.forName(name).directExecutor().scheduledExecutorService(timer)
                .maxInboundMessageSize(Integer.MAX_VALUE) // the server's replies are not limited over gRPC either
                .build();
    }

    @Override
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        channel.shutdown();
        server.shutdown();
        try {
            long grace = properties.getShutdownGracePeriod() == null ? 0
                    : properties.getShutdownGracePeriod().toMillis();
            if (grace < 0) {
                server.awaitTermination(); // the starter's meaning of a negative grace period: wait as long as it takes
            } else if (!server.awaitTermination(grace, TimeUnit.MILLISECONDS)) {
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
        channel.shutdownNow();
        timer.shutdownNow();
        server = null;
        channel = null;
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }

    /** Below the web server's phases: started before it serves, stopped after its graceful shutdown. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 4096;
    }
}
