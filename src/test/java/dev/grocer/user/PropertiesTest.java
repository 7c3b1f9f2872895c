package dev.grocer.user;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

/** grocer's typed settings: defaults without configuration, and a failed start on a bad value. */
class PropertiesTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({UserProperties.class, ChatProperties.class})
    static class Bind {}

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(Bind.class);

    @Test
    void defaultsApplyWithoutConfiguration() {
        runner.run(context -> {
            assertThat(context.getBean(UserProperties.class)).isEqualTo(new UserProperties(1000, 256, 2_000_000));
            assertThat(context.getBean(ChatProperties.class)).isEqualTo(new ChatProperties(100, 1000, 256));
        });
    }

    @Test
    void anOutOfRangeValueStopsTheStartWithTheKeyNamed() {
        runner.withPropertyValues("grocer.users.max-batch-size=0").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure().getCause())
                    .hasMessage("Failed to bind properties under 'grocer.users' to dev.grocer.user.UserProperties")
                    .rootCause().isInstanceOf(BindValidationException.class)
                    .hasMessageContaining("Field error in object 'grocer.users' on field 'maxBatchSize'")
                    .hasMessageContaining("rejected value [0]")
                    .hasMessageContaining("must be greater than or equal to 1");
        });
    }
}
