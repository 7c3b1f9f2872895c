package dev.grocer.grpc.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import dev.grocer.grpc.server.GrpcExecutorConfiguration.CallExecutor;
import dev.grocer.store.PostgresProperties;

/** Where service methods run with the PostgreSQL store: virtual threads where the JDK has them, else a bounded pool. */
class GrpcExecutorConfigurationTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(PostgresProperties.class)
    static class Settings {}

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withUserConfiguration(Settings.class, GrpcExecutorConfiguration.class)
            .withPropertyValues("grocer.store=postgres");

    @Test
    void withVirtualThreadsOn_callsRunOnVirtualThreads_whereTheJdkHasThem() {
        runner.withPropertyValues("spring.threads.virtual.enabled=true").run(context -> {
            CallExecutor executor = context.getBean(CallExecutor.class);
            if (Runtime.version().feature() >= 21) {
                assertThat(executor.virtual()).isTrue();
                assertThat(executor.pool()).isNull();
            } else { // Boot's switch needs JDK 21: the bounded pool instead
                assertThat(executor.virtual()).isFalse();
                assertThat(executor.pool().getMaximumPoolSize()).isEqualTo(10 + 256 + 16);
            }
        });
    }

    @Test
    void withVirtualThreadsOff_callsRunOnAPoolAsLargeAsTheCallsThatMayUseOrWaitForAConnection_plusSpares() {
        runner.withPropertyValues("spring.threads.virtual.enabled=false",
                "spring.datasource.hikari.maximum-pool-size=20", "grocer.postgres.max-waiting-calls=100").run(context -> {
                    CallExecutor executor = context.getBean(CallExecutor.class);
                    assertThat(executor.virtual()).isFalse();
                    assertThat(executor.pool().getMaximumPoolSize()).isEqualTo(20 + 100 + 16);
                    assertThat(executor.pool().getCorePoolSize()).isEqualTo(20 + 100 + 16);
                    assertThat(executor.pool().allowsCoreThreadTimeOut()).isTrue();
                });
        // And shut down with the context.
        runner.withPropertyValues("spring.threads.virtual.enabled=false").run(context -> {
            CallExecutor executor = context.getBean(CallExecutor.class);
            context.close();
            assertThat(executor.pool().isShutdown()).isTrue();
        });
    }

    @Test
    void withTheMemoryStore_thereIsNoCallExecutor() {
        new ApplicationContextRunner().withUserConfiguration(Settings.class, GrpcExecutorConfiguration.class)
                .run(context -> assertThat(context).doesNotHaveBean(CallExecutor.class));
    }
}
