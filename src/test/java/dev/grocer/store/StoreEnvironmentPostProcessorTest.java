package dev.grocer.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

/** What {@code grocer.store} turns into, without starting an application. */
class StoreEnvironmentPostProcessorTest {

    private final StoreEnvironmentPostProcessor processor = new StoreEnvironmentPostProcessor();

    private MockEnvironment process(MockEnvironment environment) {
        processor.postProcessEnvironment(environment, new SpringApplication());
        return environment;
    }

    @Test
    void memory_isTheDefault_excludesTheDatabaseAutoConfigurations_andKeepsTheUsersExclusions() {
        MockEnvironment environment = process(new MockEnvironment()
                .withProperty("spring.autoconfigure.exclude", "com.example.SomeAutoConfiguration"));

        assertThat(environment.getProperty("spring.autoconfigure.exclude")).isEqualTo(
                "com.example.SomeAutoConfiguration,"
                        + "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration,"
                        + "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration");
        assertThat(environment.getProperty("grocer.grpc.direct-executor")).isEqualTo("true");
    }

    @Test
    void memory_keepsAnExplicitDirectExecutorSetting() {
        MockEnvironment environment = process(new MockEnvironment().withProperty("grocer.grpc.direct-executor", "false"));

        assertThat(environment.getProperty("grocer.grpc.direct-executor")).isEqualTo("false");
    }

    @Test
    void postgres_leavesTheEventLoop_andAddsTheDatabaseToReadiness() {
        MockEnvironment environment = process(new MockEnvironment().withProperty("grocer.store", "postgres")
                .withProperty("management.endpoint.health.group.readiness.include", "readinessState,grpcServer"));

        assertThat(environment.getProperty("grocer.grpc.direct-executor")).isEqualTo("false");
        assertThat(environment.getProperty("management.endpoint.health.group.readiness.include"))
                .isEqualTo("readinessState,grpcServer,db,replicaEvents");
        assertThat(environment.getProperty("spring.autoconfigure.exclude")).isNull();
        // Virtual threads where the JDK has them (21+); this build may run on 17.
        assertThat(environment.getProperty("spring.threads.virtual.enabled"))
                .isEqualTo(Runtime.version().feature() >= 21 ? "true" : null);
    }

    @Test
    void postgres_keepsVirtualThreadsOff_whenTheOperatorSaysSo() {
        MockEnvironment environment = process(new MockEnvironment().withProperty("grocer.store", "postgres")
                .withProperty("spring.threads.virtual.enabled", "false"));

        assertThat(environment.getProperty("spring.threads.virtual.enabled")).isEqualTo("false");
    }

    @Test
    void memory_leavesVirtualThreadsAlone() {
        assertThat(process(new MockEnvironment()).getProperty("spring.threads.virtual.enabled")).isNull();
    }

    @Test
    void postgresWithTheDirectExecutor_isRefused() {
        assertThatThrownBy(() -> process(new MockEnvironment().withProperty("grocer.store", "postgres")
                .withProperty("grocer.grpc.direct-executor", "true")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("every call would block a transport event-loop thread");
    }

    @Test
    void anUnknownStore_isRefused() {
        assertThatThrownBy(() -> process(new MockEnvironment().withProperty("grocer.store", "redis")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("grocer.store='redis' is not a store grocer knows; use memory (the default) or postgres");
    }
}
