package dev.grocer.tracing;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

/**
 * grocer's tracing defaults, below everything a user sets (docs/operations.md, "Tracing"):
 * <ul>
 * <li>{@code management.tracing.sampling.probability}: 1.0 when an OTLP endpoint is set, so that setting
 *     {@code management.opentelemetry.tracing.export.otlp.endpoint} is all it takes to see every call's trace;
 *     0 without one, where nothing would be exported (Spring Boot's own default is 0.1). A call whose caller
 *     sampled it is traced either way.</li>
 * <li>the resource attribute {@code service.instance.id}, a random UUID per process, so that a trace tells which
 *     replica did what.</li>
 * </ul>
 */
public class TracingEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

    static final String PROBABILITY = "management.tracing.sampling.probability";
    static final String ENDPOINT = "management.opentelemetry.tracing.export.otlp.endpoint";
    /** The endpoint's name before Spring Boot 4. */
    static final String OLD_ENDPOINT = "management.otlp.tracing.endpoint";
    static final String INSTANCE_ID = "management.opentelemetry.resource-attributes.service.instance.id";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Map<String, Object> defaults = new HashMap<>();
        boolean exporting = StringUtils.hasText(environment.getProperty(ENDPOINT))
                || StringUtils.hasText(environment.getProperty(OLD_ENDPOINT));
        defaults.put(PROBABILITY, exporting ? "1.0" : "0.0");
        defaults.put(INSTANCE_ID, UUID.randomUUID().toString());
        environment.getPropertySources().addLast(new MapPropertySource("grocerTracingDefaults", defaults));
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE; // after the config files and Boot's OTEL_* variables have been read
    }
}
