package dev.grocer.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;

/**
 * The whole application with its gRPC server on the in-process transport only (no port, no HTTP), and
 * a {@code @GrpcClient("grocer")} channel to it. Every class with this annotation shares one context,
 * so keep the properties here, and small limits that tests can reach.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
        "grpc.server.port=-1",
        "grpc.server.in-process-name=grocer-test",
        "grpc.client.grocer.address=in-process:grocer-test",
        "grocer.users.max-batch-size=5",
        "grocer.users.list-chunk-size=2",
        "grocer.chat.max-participants=3",
        "grocer.chat.outbox-capacity=4",
        "grocer.chat.max-message-length=20",
        "grocer.orders.default-page-size=3",
        "grocer.orders.max-page-size=5",
        "grocer.orders.watch-outbox-capacity=4",
        "grocer.orders.fulfilment.enabled=false"})
@Import(GrpcInProcessTest.TestClock.class)
public @interface GrpcInProcessTest {

    /** Replaces the system clock with a {@link MutableClock}. */
    @TestConfiguration(proxyBeanMethods = false)
    class TestClock {
        @Bean
        @Primary
        MutableClock mutableClock() {
            return new MutableClock();
        }
    }
}
