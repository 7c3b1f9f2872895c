package dev.grocer.user;

import dev.grocer.testing.MutableClock;

/** The repository contract against the in-memory store. */
class InMemoryUserRepositoryTest extends UserRepositoryContract {

    @Override
    protected UserRepository newRepository(MutableClock clock, int maxStored) {
        return new InMemoryUserRepository(clock, new UserProperties(1000, 256, maxStored));
    }

    @Override
    protected int load() {
        return 4;
    }
}
