package dev.grocer.greeter;

import dev.grocer.testing.MutableClock;

/** The repository contract against the in-memory store. */
class InMemoryItemRepositoryTest extends ItemRepositoryContract {

    @Override
    protected ItemRepository newRepository(MutableClock clock, int maxStored) {
        return new InMemoryItemRepository(clock, new GreeterProperties(50, 1000, maxStored));
    }

    @Override
    protected int load() {
        return 4;
    }
}
