package dev.grocer.greeter;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import dev.grocer.store.StoreEnvironmentPostProcessor;

/**
 * What {@code grocer.store} switches for GreeterService's items, in one place: {@code memory} (the default),
 * {@link InMemoryItemRepository}; {@code postgres}, {@link JdbcItemRepository}.
 */
@Configuration(proxyBeanMethods = false)
class ItemStoreConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = StoreEnvironmentPostProcessor.STORE, havingValue = "memory", matchIfMissing = true)
    @Import(InMemoryItemRepository.class)
    static class Memory {
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = StoreEnvironmentPostProcessor.STORE, havingValue = "postgres")
    @Import(JdbcItemRepository.class)
    static class Postgres {
    }
}
