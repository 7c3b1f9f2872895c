package dev.grocer.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.grocer.common.DomainException;
import dev.grocer.testing.Concurrently;
import dev.grocer.testing.ListingsWhileCreating;
import dev.grocer.testing.MutableClock;

/**
 * What every {@link UserRepository} does, whatever it stores users in: one suite, run against each
 * implementation by a subclass, so that they cannot drift apart. Much of it runs on many threads at once:
 * exact counts, no lost or phantom writes.
 */
abstract class UserRepositoryContract {

    private static final int THREADS = 8;

    protected final MutableClock clock = new MutableClock();
    private UserRepository repository;

    /** A new, empty store holding at most {@code maxStored} users, stamping times from {@code clock}. */
    protected abstract UserRepository newRepository(MutableClock clock, int maxStored);

    /** How many times the base amount of work the concurrent tests do (a database is slower than memory). */
    protected abstract int load();

    @BeforeEach
    void newStore() {
        repository = newRepository(clock, 2_000_000);
    }

    private static <T> List<T> onAllThreads(Callable<T> task) throws Exception {
        return Concurrently.onThreads(THREADS, task);
    }

    @Test
    void aFullStore_createsNothingNewButStillAnswersRetriesAndConcurrentCreatesStopAtTheLimit() throws Exception {
        UserRepository small = newRepository(clock, 50);
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
        int perThread = 125 * load();
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
    void listingsWhileCreatesCommitOutOfIdOrder_holdEveryUserCreatedBeforeThemExactlyOnce() throws Exception {
        AtomicInteger next = new AtomicInteger();
        // Now and then a create pauses between making its id and storing its record, as a slow commit would.
        clock.stallEvery(50, java.time.Duration.ofMillis(2));

        ListingsWhileCreating.Report report = new ListingsWhileCreating<>(() -> {
            int n = next.getAndIncrement();
            return repository.create(new NewUser("User " + n, "user" + n + "@example.com"),
                    n % 2 == 0 ? null : "key-" + n);
        }, User::id, repository::listAfter).run(THREADS, 7, 5, 100_000 * load());

        assertThat(report.violations()).isEmpty();
        assertThat(report.outOfIdOrder()).as("creates proven to commit out of id order").isPositive();
        assertThat(report.listings()).isGreaterThanOrEqualTo(5);
        assertThat(repository.listAfter(null, Integer.MAX_VALUE)).hasSize(report.created());
        assertThat(repository.count()).isEqualTo(report.created());
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
    void concurrentCreatesWithOneRequestId_forTheLastFreePlace_allGetTheOneUser() throws Exception {
        String requestId = "0190b8d2-6f1e-7c3a-9d4b-2f6c1e8a5b7e";
        for (int round = 0; round < 5 * load(); round++) {
            UserRepository small = newRepository(clock, 1);

            List<String> ids = onAllThreads(
                    () -> small.create(new NewUser("Ada", "ada@example.com"), requestId).id());

            assertThat(Set.copyOf(ids)).hasSize(1);
            assertThat(small.count()).isEqualTo(1);
        }
    }

    @Test
    void concurrentCompareAndSetUpdates_loseNoIncrement() throws Exception {
        User counter = repository.create(new NewUser("0", "counter@example.com"), null);
        int perThread = 50 * load();
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
        int victimCount = 100 * load();
        for (int i = 0; i < victimCount; i++) {
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

        assertThat(deletedBy).hasSize(victimCount);
        assertThat(repository.count()).isEqualTo((long) THREADS * victimCount);
        assertThat(repository.listAfter(null, Integer.MAX_VALUE)).extracting(User::displayName)
                .allMatch(name -> name.startsWith("New ")).hasSize(THREADS * victimCount);
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

    @Test
    void create_storesTheUserWithIdTimesAndEtag() {
        User ada = repository.create(new NewUser("Ada", "ada@example.com"), null);

        assertThat(ada.id()).hasSize(36);
        assertThat(ada.createTime()).isEqualTo(MutableClock.START).isEqualTo(ada.updateTime());
        assertThat(ada.etag()).isNotEmpty();
        assertThat(repository.findById(ada.id())).contains(ada);
        assertThat(repository.findById("0190b8d2-6f1e-7c3a-9d4b-2f6c1e8a5b7d")).isEmpty();
        assertThat(repository.findById("not an id")).isEmpty();
        assertThat(repository.count()).isEqualTo(1);
    }

    @Test
    void createWithAnEmailTakenIgnoringCase_isAlreadyExists() {
        repository.create(new NewUser("Ada", "ada@example.com"), null);

        DomainException e = catchThrowableOfType(DomainException.class,
                () -> repository.create(new NewUser("Other Ada", "ADA@Example.COM"), null));

        assertThat(e.reason()).isEqualTo("EMAIL_ALREADY_EXISTS");
        assertThat(e.metadata()).containsEntry("email", "ADA@Example.COM");
        assertThat(repository.count()).isEqualTo(1);
    }

    @Test
    void aRetryWithTheSameRequestId_returnsTheUserAsFirstCreated_untilItIsDeleted() {
        String key = "0190b8d2-6f1e-7c3a-9d4b-2f6c1e8a5b7d";
        User first = repository.create(new NewUser("Ada", "ada@example.com"), key);
        clock.advance(java.time.Duration.ofSeconds(5));
        User renamed = repository.update(first.id(), new UserChanges("Countess Ada", null), first.etag());

        assertThat(repository.create(new NewUser("Someone else", "else@example.com"), key)).isEqualTo(first);
        assertThat(repository.count()).isEqualTo(1);

        repository.delete(first.id(), renamed.etag());
        User again = repository.create(new NewUser("Ada", "ada@example.com"), key);
        assertThat(again.id()).isNotEqualTo(first.id());
        assertThat(repository.count()).isEqualTo(1);
    }

    @Test
    void update_changesTheFieldsAndTheEtag_andAStaleEtagChangesNothing() {
        User ada = repository.create(new NewUser("Ada", "ada@example.com"), null);
        clock.advance(java.time.Duration.ofSeconds(1));

        User updated = repository.update(ada.id(), new UserChanges("Countess Ada", null), ada.etag());

        assertThat(updated).isEqualTo(new User(ada.id(), "Countess Ada", "ada@example.com", ada.createTime(),
                MutableClock.START.plusSeconds(1), updated.etag()));
        assertThat(updated.etag()).isNotEqualTo(ada.etag());
        assertThat(repository.findById(ada.id())).contains(updated);

        DomainException stale = catchThrowableOfType(DomainException.class,
                () -> repository.update(ada.id(), new UserChanges("Ada again", null), ada.etag()));
        assertThat(stale.kind()).isEqualTo(DomainException.Kind.ABORTED);
        assertThat(stale.reason()).isEqualTo("ETAG_MISMATCH");
        assertThat(stale.metadata()).containsEntry("current_etag", updated.etag());
        DomainException garbage = catchThrowableOfType(DomainException.class,
                () -> repository.update(ada.id(), new UserChanges("Ada again", null), "not-an-etag!"));
        assertThat(garbage.reason()).isEqualTo("ETAG_MISMATCH");
        assertThat(repository.findById(ada.id())).contains(updated);

        // Without an etag, the write applies to whatever is stored.
        assertThat(repository.update(ada.id(), new UserChanges(null, "countess@example.com"), null).email())
                .isEqualTo("countess@example.com");
    }

    @Test
    void updateAndDeleteOfAnUnknownUser_areNotFound() {
        String unknown = "0190b8d2-6f1e-7c3a-9d4b-2f6c1e8a5b7d";

        DomainException update = catchThrowableOfType(DomainException.class,
                () -> repository.update(unknown, new UserChanges("X", null), null));
        DomainException delete = catchThrowableOfType(DomainException.class, () -> repository.delete(unknown, "1"));

        assertThat(update.reason()).isEqualTo("USER_NOT_FOUND");
        assertThat(delete.reason()).isEqualTo("USER_NOT_FOUND");
    }

    @Test
    void deleteWithAStaleEtag_isAbortedAndKeepsTheUser() {
        User ada = repository.create(new NewUser("Ada", "ada@example.com"), null);
        User updated = repository.update(ada.id(), new UserChanges("Countess Ada", null), null);

        DomainException e = catchThrowableOfType(DomainException.class, () -> repository.delete(ada.id(), ada.etag()));

        assertThat(e.reason()).isEqualTo("ETAG_MISMATCH");
        assertThat(repository.findById(ada.id())).contains(updated);
        repository.delete(ada.id(), updated.etag());
        assertThat(repository.findById(ada.id())).isEmpty();
        assertThat(repository.count()).isZero();
        // The email is free again.
        assertThat(repository.create(new NewUser("Ada", "ADA@example.com"), null).email()).isEqualTo("ADA@example.com");
    }

    @Test
    void createAll_createsTheGoodEntriesAndReportsTheBadOnes_inOrder() {
        User taken = repository.create(new NewUser("Grace", "grace@example.com"), null);
        String key = "0190b8d2-6f1e-7c3a-9d4b-2f6c1e8a5b7d";

        List<UserRepository.Outcome> outcomes = repository.createAll(List.of(
                new UserRepository.Entry(new NewUser("Ada", "ada@example.com"), key),
                new UserRepository.Entry(new NewUser("Grace 2", "GRACE@example.com"), null),
                new UserRepository.Entry(new NewUser("Ada retry", "ada-retry@example.com"), key),
                new UserRepository.Entry(new NewUser("Linus", "linus@example.com"), null)));

        assertThat(outcomes).hasSize(4);
        User ada = outcomes.get(0).user();
        assertThat(ada.displayName()).isEqualTo("Ada");
        assertThat(outcomes.get(1).error().reason()).isEqualTo("EMAIL_ALREADY_EXISTS");
        assertThat(outcomes.get(2)).isEqualTo(new UserRepository.Outcome(ada, null));
        assertThat(outcomes.get(3).user().displayName()).isEqualTo("Linus");
        assertThat(repository.count()).isEqualTo(3);
        assertThat(repository.listAfter(null, 10)).containsExactly(taken, ada, outcomes.get(3).user());
    }

    @Test
    void createAllThatDoesNotFit_createsNothing() {
        UserRepository small = newRepository(clock, 3);
        small.create(new NewUser("One", "one@example.com"), null);

        DomainException e = catchThrowableOfType(DomainException.class, () -> small.createAll(List.of(
                new UserRepository.Entry(new NewUser("Two", "two@example.com"), null),
                new UserRepository.Entry(new NewUser("Three", "three@example.com"), null),
                new UserRepository.Entry(new NewUser("Four", "four@example.com"), null))));

        assertThat(e.reason()).isEqualTo("STORE_FULL");
        assertThat(e.metadata()).containsEntry("max_stored", "3");
        assertThat(small.count()).isEqualTo(1);
        assertThat(small.listAfter(null, 10)).extracting(User::displayName).containsExactly("One");
        // Two fit; an entry whose email is taken still counts against the room, as documented.
        assertThat(small.createAll(List.of(
                new UserRepository.Entry(new NewUser("Two", "two@example.com"), null),
                new UserRepository.Entry(new NewUser("Three", "three@example.com"), null))))
                .allMatch(outcome -> outcome.error() == null);
        assertThat(small.count()).isEqualTo(3);
    }

    @Test
    void listAfter_pagesInIdOrder() {
        List<User> created = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            created.add(repository.create(new NewUser("User " + i, "user" + i + "@example.com"), null));
        }

        List<User> first = repository.listAfter(null, 3);
        List<User> second = repository.listAfter(first.get(2).id(), 3);
        List<User> last = repository.listAfter(second.get(2).id(), 3);

        assertThat(first).containsExactlyElementsOf(created.subList(0, 3));
        assertThat(second).containsExactlyElementsOf(created.subList(3, 6));
        assertThat(last).containsExactly(created.get(6));
        assertThat(repository.listAfter(created.get(6).id(), 3)).isEmpty();
        assertThat(repository.listAfter(null, 0)).isEmpty();
    }

    @Test
    void concurrentUpdatesWithOneEtag_exactlyOneWins() throws Exception {
        for (int round = 0; round < 5 * load(); round++) {
            User ada = repository.create(new NewUser("Ada", "ada" + round + "@example.com"), null);

            List<String> outcomes = onAllThreads(() -> {
                String name = Thread.currentThread().getName();
                try {
                    return repository.update(ada.id(), new UserChanges(name, null), ada.etag()).displayName();
                } catch (DomainException e) {
                    return e.reason();
                }
            });

            assertThat(outcomes).filteredOn("ETAG_MISMATCH"::equals).hasSize(THREADS - 1);
            String winner = outcomes.stream().filter(o -> !o.equals("ETAG_MISMATCH")).findFirst().orElseThrow();
            assertThat(repository.findById(ada.id()).orElseThrow().displayName()).isEqualTo(winner);
        }
    }
}
