package dev.grocer.order;

import java.time.Duration;

import dev.grocer.testing.MutableClock;

/** The repository contract against the in-memory store. */
class InMemoryOrderRepositoryTest extends OrderRepositoryContract {

    @Override
    protected OrderRepository newRepository(MutableClock clock, int maxStored) {
        return new InMemoryOrderRepository(clock, properties(maxStored), new LocalOrderChangeRelay());
    }

    @Override
    protected int load() {
        return 4;
    }

    static OrderProperties properties(int maxStored) {
        return new OrderProperties(50, 1000, 64,
                new OrderProperties.Fulfilment(false, Duration.ofSeconds(2), Duration.ofMillis(250)), maxStored);
    }
}
