package dev.grocer.greeter;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

/** GreeterService's settings: defaults without configuration, and a failed start on a bad value. */
class GreeterPropertiesTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(GreeterProperties.class)
    static class Bind {}

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(Bind.class);

    @Test
    void defaultsApplyWithoutConfiguration() {
        runner.run(context -> assertThat(context.getBean(GreeterProperties.class))
                .isEqualTo(new GreeterProperties(50, 1000, 2_000_000)));
    }

    @Test
    void configuredValuesBind() {
        runner.withPropertyValues("grocer.greeter.default-page-size=20", "grocer.greeter.max-page-size=200")
                .run(context -> assertThat(context.getBean(GreeterProperties.class))
                        .isEqualTo(new GreeterProperties(20, 200, 2_000_000)));
    }

    @Test
    void anOutOfRangeValueStopsTheStartWithTheKeyNamed() {
        runner.withPropertyValues("grocer.greeter.max-page-size=10001").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure().getCause())
                    .hasMessage("Failed to bind properties under 'grocer.greeter' to dev.grocer.greeter.GreeterProperties")
                    .rootCause().isInstanceOf(BindValidationException.class)
                    .hasMessageContaining("Field error in object 'grocer.greeter' on field 'maxPageSize'")
                    .hasMessageContaining("rejected value [10001]")
                    .hasMessageContaining("must be less than or equal to 10000");
        });
    }

    @Test
    void aDefaultPageSizeAboveTheMaximumStopsTheStart() {
        runner.withPropertyValues("grocer.greeter.default-page-size=100", "grocer.greeter.max-page-size=10")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure().getCause())
                            .rootCause().isInstanceOf(BindValidationException.class)
                            .hasMessageContaining("default-page-size must not be larger than max-page-size");
                });
    }
}
