package dev.grocer.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Turns {@code grocer.store} into the settings each store needs, so that one property chooses the store
 * (docs/store.md):
 *
 * <ul>
 *   <li>{@code memory} (the default): Boot's DataSource and Flyway auto-configurations are excluded, so
 *       grocer starts without any {@code spring.datasource.*} and never opens a connection.
 *   <li>{@code postgres}: service methods leave the event loop ({@code grocer.grpc.direct-executor}
 *       defaults to {@code false}, since every call blocks on the database; {@code true} is refused), on virtual
 *       threads on JDK 21 and newer ({@code spring.threads.virtual.enabled} defaults to {@code true}), and
 *       the readiness group includes Boot's {@code db} health indicator and {@code replicaEvents}, the
 *       connection that hears the other replicas ({@link PostgresNotifications}).
 * </ul>
 *
 * <p>An environment post-processor rather than a profile: a profile would be a second switch that could
 * disagree with {@code grocer.store}. It runs after the config files are read, so it sees the property
 * from every source, and it only adds to what the user configured.
 */
public class StoreEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

    /** The property that chooses the store. */
    public static final String STORE = "grocer.store";
    static final String DIRECT_EXECUTOR = "grocer.grpc.direct-executor";
    static final String VIRTUAL_THREADS = "spring.threads.virtual.enabled";
    static final String EXCLUDE = "spring.autoconfigure.exclude";
    static final String READINESS = "management.endpoint.health.group.readiness.include";

    /**
     * What the memory store does without: these would ask for a database at start-up. Named by class, so that a
     * Spring Boot upgrade that moves them fails the build instead of the start (Boot 4 moved both).
     */
    static final List<String> DATABASE_AUTO_CONFIGURATIONS = List.of(
            DataSourceAutoConfiguration.class.getName(),
            FlywayAutoConfiguration.class.getName());

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Binder binder = Binder.get(environment);
        String store = binder.bind(STORE, String.class).orElse("memory").trim().toLowerCase(Locale.ROOT);
        Map<String, Object> overrides = new LinkedHashMap<>();
        Map<String, Object> defaults = new LinkedHashMap<>();
        switch (store) {
            case "memory" -> {
                List<String> exclude = new ArrayList<>(list(binder, EXCLUDE));
                exclude.addAll(DATABASE_AUTO_CONFIGURATIONS);
                overrides.put(EXCLUDE, String.join(",", exclude));
                defaults.put(DIRECT_EXECUTOR, "true");
            }
            case "postgres" -> {
                if (binder.bind(DIRECT_EXECUTOR, Boolean.class).orElse(false)) {
                    throw new IllegalStateException(DIRECT_EXECUTOR + "=true cannot be used with " + STORE
                            + "=postgres: every call would block a transport event-loop thread on the database."
                            + " Remove the setting (it defaults to false with postgres) or set it to false.");
                }
                defaults.put(DIRECT_EXECUTOR, "false");
                if (Runtime.version().feature() >= 21) {
                    defaults.put(VIRTUAL_THREADS, "true");
                }
                List<String> readiness = new ArrayList<>(list(binder, READINESS));
                if (!readiness.isEmpty()) {
                    for (String component : List.of("db", "replicaEvents")) {
                        if (!readiness.contains(component)) {
                            readiness.add(component);
                        }
                    }
                    overrides.put(READINESS, String.join(",", readiness));
                }
            }
            default -> throw new IllegalStateException(STORE + "='" + store
                    + "' is not a store grocer knows; use memory (the default) or postgres");
        }
        if (!overrides.isEmpty()) {
            environment.getPropertySources().addFirst(new MapPropertySource("grocerStore", overrides));
        }
        environment.getPropertySources().addLast(new MapPropertySource("grocerStoreDefaults", defaults));
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE; // after the config files have been read
    }

    private static List<String> list(Binder binder, String name) {
        return binder.bind(name, Bindable.listOf(String.class)).orElse(List.of());
    }
}
