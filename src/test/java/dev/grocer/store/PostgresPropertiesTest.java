package dev.grocer.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

/** The PostgreSQL store's call settings: defaults without configuration, and a failed start on a bad value. */
class PostgresPropertiesTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(PostgresProperties.class)
    static class Bind {}

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(Bind.class);

    @Test
    void defaultsApplyWithoutConfiguration() {
        runner.run(context -> assertThat(context.getBean(PostgresProperties.class))
                .isEqualTo(new PostgresProperties(256, Duration.ofMillis(5))));
    }

    @Test
    void configuredValuesBind() {
        runner.withPropertyValues("grocer.postgres.max-waiting-calls=0", "grocer.postgres.min-time-left=250ms")
                .run(context -> assertThat(context.getBean(PostgresProperties.class))
                        .isEqualTo(new PostgresProperties(0, Duration.ofMillis(250))));
    }

    @Test
    void aNegativeQueueStopsTheStartWithTheKeyNamed() {
        runner.withPropertyValues("grocer.postgres.max-waiting-calls=-1").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure().getCause())
                    .hasMessage("Failed to bind properties under 'grocer.postgres' to dev.grocer.store.PostgresProperties")
                    .rootCause().isInstanceOf(BindValidationException.class)
                    .hasMessageContaining("Field error in object 'grocer.postgres' on field 'maxWaitingCalls'")
                    .hasMessageContaining("rejected value [-1]")
                    .hasMessageContaining("must be greater than or equal to 0");
        });
    }

    @Test
    void aNegativeMinimumTimeLeftStopsTheStart() {
        runner.withPropertyValues("grocer.postgres.min-time-left=-1ms").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .hasMessage("grocer.postgres.min-time-left must not be negative, got PT-0.001S");
        });
    }
}
