package dev.grocer.store;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

import com.zaxxer.hikari.HikariDataSource;

/**
 * With {@code grocer.store=postgres}, puts {@link CallBoundDataSource} around the HikariCP pool Spring Boot makes
 * from {@code spring.datasource.*}, so that everything using the {@code DataSource} bean (the repositories, the
 * transaction manager, Flyway, the {@code db} health indicator) goes through it. Boot's pool metrics and JMX
 * still find the pool: they unwrap a {@code DelegatingDataSource}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = StoreEnvironmentPostProcessor.STORE, havingValue = "postgres")
@EnableConfigurationProperties(PostgresProperties.class)
class CallBoundDataSourceConfiguration {

    // Static, and lazy through the providers, so that post-processing data sources starts nothing early.
    @Bean
    static BeanPostProcessor callBoundDataSource(ObjectProvider<CurrentCall> call,
            ObjectProvider<PostgresProperties> properties) {
        // Ordered, so that it runs before any unordered post-processor that wraps the data source further (tracing's).
        return new OrderedBeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                if (bean instanceof HikariDataSource pool) {
                    return new CallBoundDataSource(pool, call.getIfAvailable(() -> CurrentCall.NONE),
                            properties.getObject());
                }
                return bean;
            }
        };
    }

    private interface OrderedBeanPostProcessor extends BeanPostProcessor, Ordered {
        @Override
        default int getOrder() {
            return Ordered.LOWEST_PRECEDENCE;
        }
    }
}
