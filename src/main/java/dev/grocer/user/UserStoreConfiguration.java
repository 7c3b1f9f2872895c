package dev.grocer.user;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import dev.grocer.store.StoreEnvironmentPostProcessor;

/**
 * What {@code grocer.store} switches for users, in one place: the repository and the chat room's relay between
 * replicas. {@code memory} (the default): {@link InMemoryUserRepository} and {@link LocalChatRelay};
 * {@code postgres}: {@link JdbcUserRepository} and {@link PostgresChatRelay}.
 */
@Configuration(proxyBeanMethods = false)
class UserStoreConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = StoreEnvironmentPostProcessor.STORE, havingValue = "memory", matchIfMissing = true)
    @Import({InMemoryUserRepository.class, LocalChatRelay.class})
    static class Memory {
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = StoreEnvironmentPostProcessor.STORE, havingValue = "postgres")
    @Import({JdbcUserRepository.class, PostgresChatRelay.class})
    static class Postgres {
    }
}
