package dev.grocer.order;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import dev.grocer.store.StoreEnvironmentPostProcessor;

/**
 * What {@code grocer.store} switches for orders, in one place: the repository, the relay that tells every
 * replica's watchers about a change, and fulfilment. {@code memory} (the default): {@link InMemoryOrderRepository},
 * {@link LocalOrderChangeRelay} and {@link FulfilmentSimulator} (a timer per order); {@code postgres}:
 * {@link JdbcOrderRepository}, {@link PostgresOrderChangeRelay} and {@link SharedFulfilment} (one poller that
 * the replicas share through the database). Both fulfilments step orders through {@link OrderManagement}.
 */
@Configuration(proxyBeanMethods = false)
class OrderStoreConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = StoreEnvironmentPostProcessor.STORE, havingValue = "memory", matchIfMissing = true)
    @Import({InMemoryOrderRepository.class, LocalOrderChangeRelay.class, FulfilmentSimulator.class})
    static class Memory {
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = StoreEnvironmentPostProcessor.STORE, havingValue = "postgres")
    @Import({JdbcOrderRepository.class, PostgresOrderChangeRelay.class, SharedFulfilment.class})
    static class Postgres {
    }
}
