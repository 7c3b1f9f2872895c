package dev.grocer.testing;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.ConfigurableApplicationContext;

import dev.grocer.GrocerApplication;

/**
 * A grocer server of its own, started like a user starts the jar: gRPC (Netty) and HTTP each on a free
 * loopback port, plus the test's own settings. Settings are command-line arguments, because
 * {@code SpringApplicationBuilder.properties} are defaults that application.yml would override.
 */
public final class TestServer implements AutoCloseable {

    private final ConfigurableApplicationContext context;

    private TestServer(ConfigurableApplicationContext context) {
        this.context = context;
    }

    /** Starts a server with {@code args} (e.g. {@code --grocer.security.enabled=true}) on loopback. */
    public static TestServer start(String... args) {
        List<String> all = new ArrayList<>(List.of("--grpc.server.port=0", "--grpc.server.address=127.0.0.1",
                "--server.port=0", "--server.address=127.0.0.1"));
        all.addAll(List.of(args));
        return new TestServer(new SpringApplicationBuilder(GrocerApplication.class).run(all.toArray(String[]::new)));
    }

    /** The port gRPC bound, as the server's own health component reports it. */
    public int grpcPort() {
        return (Integer) context.getBean("grpcServer", HealthIndicator.class).health().getDetails().get("port");
    }

    /** The port HTTP (actuator) bound. */
    public int httpPort() {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    /** The {@code service.instance.id} its spans carry (a random UUID per server). */
    public String instanceId() {
        return context.getEnvironment().getProperty("management.opentelemetry.resource-attributes.service.instance.id");
    }

    public ConfigurableApplicationContext context() {
        return context;
    }

    @Override
    public void close() {
        context.close();
    }
}
