package dev.grocer.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.grocer.common.DomainException;
import dev.grocer.testing.Concurrently;
import dev.grocer.testing.MutableClock;

/** The in-memory store under many threads at once: exact counts, no lost or phantom writes. */
class InMemoryUserRepositoryTest {

    private static final int THREADS = 8;

    private final InMemoryUserRepository repository =
            new InMemoryUserRepository(new MutableClock(), new UserProperties(1000, 256, 2_000_000));

    private static <T> List<T> onAllThreads(Callable<T> task) throws Exception {
        return Concurrently.onThreads(THREADS, task);
    }

    @Test
    void aFullStore_createsNothingNewButStillAnswersRetriesAndConcurrentCreatesStopAtTheLimit() throws Exception {
        InMemoryUserRepository small = new InMemoryUserRepository(new MutableClock(), new UserProperties(1000, 256, 50));
        AtomicInteger next = new AtomicInteger();
        List<String> outcomes = onAllThreads(() -> {
            int full = 0;
            for (int i = 0; i < 20; i++) {
                int n = next.getAndIncrement();
                try {
                    small.create(new NewUser("User " + n, "user" + n + "@example.com"), "key-" + n);
                } catch (DomainException e) {
                    assertThat(e.reason()).isEqualTo("STORE_FULL");
                    full++;
                }
            }
            return Integer.toString(full);
        });
        assertThat(small.count()).isEqualTo(50);
        assertThat(outcomes.stream().mapToInt(Integer::parseInt).sum()).isEqualTo(THREADS * 20 - 50);

        User first = small.listAfter(null, 1).get(0);
        String firstKey = "key-" + first.displayName().substring("User ".length());
        NewUser again = new NewUser(first.displayName(), first.email());
        assertThat(small.create(again, firstKey)).isEqualTo(first);
        assertThat(small.createAll(List.of(new UserRepository.Entry(again, firstKey),
                new UserRepository.Entry(again, firstKey)))).containsExactly(
                        new UserRepository.Outcome(first, null), new UserRepository.Outcome(first, null));
        DomainException full = catchThrowableOfType(DomainException.class, () -> small.createAll(List.of(
                new UserRepository.Entry(again, firstKey), new UserRepository.Entry(new NewUser("New", "new@example.com"),
                        null))));
        assertThat(full.reason()).isEqualTo("STORE_FULL");
        assertThat(small.count()).isEqualTo(50);
    }

    @Test
    void concurrentCreates_storeEveryUserOnceInIdOrder() throws Exception {
        int perThread = 500;
        AtomicInteger next = new AtomicInteger();

        onAllThreads(() -> {
            for (int i = 0; i < perThread; i++) {
                int n = next.getAndIncrement();
                repository.create(new NewUser("User " + n, "user" + n + "@example.com"), null);
            }
            return null;
        });

        List<User> all = repository.listAfter(null, Integer.MAX_VALUE);
        assertThat(repository.count()).isEqualTo(THREADS * perThread);
        assertThat(all).hasSize(THREADS * perThread);
        assertThat(all).extracting(User::id).doesNotHaveDuplicates().isSorted();
        assertThat(all).extracting(User::email).doesNotHaveDuplicates();
        assertThat(all).extracting(User::etag).doesNotHaveDuplicates();
    }

    @Test
    void concurrentCreatesWithOneEmail_exactlyOneWins() throws Exception {
        List<String> outcomes = onAllThreads(() -> {
            try {
                return repository.create(new NewUser("Ada", "Ada@Example.com"), null).id();
            } catch (DomainException e) {
                return e.reason();
            }
        });

        assertThat(outcomes).filteredOn("EMAIL_ALREADY_EXISTS"::equals).hasSize(THREADS - 1);
        assertThat(repository.count()).isEqualTo(1);
    }

    @Test
    void concurrentCreatesWithOneRequestId_yieldOneUser() throws Exception {
        String requestId = "0190b8d2-6f1e-7c3a-9d4b-2f6c1e8a5b7d";

        List<String> ids = onAllThreads(
                () -> repository.create(new NewUser("Ada", "ada@example.com"), requestId).id());

        assertThat(Set.copyOf(ids)).hasSize(1);
        assertThat(repository.count()).isEqualTo(1);
    }

    @Test
    void concurrentCompareAndSetUpdates_loseNoIncrement() throws Exception {
        User counter = repository.create(new NewUser("0", "counter@example.com"), null);
        int perThread = 200;
        AtomicInteger aborted = new AtomicInteger();

        onAllThreads(() -> {
            for (int done = 0; done < perThread;) {
                User current = repository.findById(counter.id()).orElseThrow();
                String next = Integer.toString(Integer.parseInt(current.displayName()) + 1);
                try {
                    repository.update(counter.id(), new UserChanges(next, null), current.etag());
                    done++;
                } catch (DomainException e) {
                    assertThat(e.kind()).isEqualTo(DomainException.Kind.ABORTED);
                    aborted.incrementAndGet(); // someone else wrote in between: read again
                }
            }
            return null;
        });

        assertThat(repository.findById(counter.id()).orElseThrow().displayName())
                .isEqualTo(Integer.toString(THREADS * perThread));
    }

    @Test
    void concurrentDeletesAndCreates_leaveExactlyTheSurvivors() throws Exception {
        List<User> victims = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            victims.add(repository.create(new NewUser("Victim " + i, "victim" + i + "@example.com"), null));
        }
        Set<String> deletedBy = ConcurrentHashMap.newKeySet();
        AtomicInteger next = new AtomicInteger();

        onAllThreads(() -> {
            for (User victim : victims) {
                try {
                    repository.delete(victim.id(), victim.etag());
                    assertThat(deletedBy.add(victim.id())).as("deleted twice: " + victim.id()).isTrue();
                } catch (DomainException e) {
                    assertThat(e.kind()).isEqualTo(DomainException.Kind.NOT_FOUND);
                }
                int n = next.getAndIncrement();
                repository.create(new NewUser("New " + n, "new" + n + "@example.com"), null);
            }
            return null;
        });

        assertThat(deletedBy).hasSize(400);
        assertThat(repository.count()).isEqualTo(THREADS * 400L);
        assertThat(repository.listAfter(null, Integer.MAX_VALUE)).extracting(User::displayName)
                .allMatch(name -> name.startsWith("New ")).hasSize(THREADS * 400);
    }

    @Test
    void updateToAnEmailTakenByAnother_isAlreadyExistsAndChangesNothing() {
        User ada = repository.create(new NewUser("Ada", "ada@example.com"), null);
        repository.create(new NewUser("Grace", "grace@example.com"), null);

        DomainException e = catchThrowableOfType(DomainException.class,
                () -> repository.update(ada.id(), new UserChanges("Ada", "GRACE@example.com"), null));

        assertThat(e.kind()).isEqualTo(DomainException.Kind.ALREADY_EXISTS);
        assertThat(repository.findById(ada.id())).contains(ada);
        // Changing only the case of one's own email is allowed.
        assertThat(repository.update(ada.id(), new UserChanges(null, "ADA@example.com"), null).email())
                .isEqualTo("ADA@example.com");
    }
}
