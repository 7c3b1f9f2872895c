package dev.grocer.greeter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.grocer.common.DomainException;
import dev.grocer.common.TimeOrderedIds;
import dev.grocer.testing.Concurrently;
import dev.grocer.testing.ListingsWhileCreating;
import dev.grocer.testing.MutableClock;

/**
 * What every {@link ItemRepository} does, whatever it stores items in: one suite, run against each
 * implementation by a subclass, so that they cannot drift apart. Much of it runs on many threads at once:
 * exact counts, no lost or phantom writes.
 */
abstract class ItemRepositoryContract {

    private static final int THREADS = 8;
    private static final String KEY = "0190b8d2-6f1e-7c3a-9d4b-2f6c1e8a5b7d";
    private static final String OTHER_KEY = "0190b8d2-6f1e-7c3a-9d4b-2f6c1e8a5b7e";
    /** A well-formed id that sorts before every id made in 2026, and one that sorts after every id. */
    private static final String BEFORE_ALL = "00000000-0000-7000-8000-000000000000";
    private static final String AFTER_ALL = "ffffffff-ffff-7fff-bfff-ffffffffffff";

    protected final MutableClock clock = new MutableClock();
    private ItemRepository repository;

    /** A new, empty store holding at most {@code maxStored} items, stamping times from {@code clock}. */
    protected abstract ItemRepository newRepository(MutableClock clock, int maxStored);

    /** How many times the base amount of work the concurrent tests do (a database is slower than memory). */
    protected abstract int load();

    @BeforeEach
    void newStore() {
        repository = newRepository(clock, 2_000_000);
    }

    private static <T> List<T> onAllThreads(Callable<T> task) throws Exception {
        return Concurrently.onThreads(THREADS, task);
    }

    private static void assertStoreFull(DomainException e, int maxStored) {
        assertThat(e.kind()).isEqualTo(DomainException.Kind.RESOURCE_EXHAUSTED);
        assertThat(e.reason()).isEqualTo("STORE_FULL");
        assertThat(e.getMessage())
                .isEqualTo("the store holds its maximum of " + maxStored + " items; nothing was created");
        assertThat(e.metadata()).isEqualTo(
                Map.of("resource_type", "grocer.greeter.v1.Item", "max_stored", Integer.toString(maxStored)));
    }

    @Test
    void create_storesTheItemWithIdTimesAndEtag_andFindByIdReadsItBack() {
        Item milk = repository.create(new NewItem("Milk", 2), null);

        assertThat(milk).isEqualTo(new Item(milk.id(), "Milk", 2, MutableClock.START, MutableClock.START,
                milk.etag()));
        assertThat(TimeOrderedIds.isCanonicalUuid(milk.id())).isTrue();
        assertThat(milk.etag()).isNotEmpty();
        assertThat(repository.findById(milk.id())).contains(milk);
        assertThat(repository.findById(KEY)).isEmpty();
        assertThat(repository.findById("not an id")).isEmpty();
        assertThat(repository.count()).isEqualTo(1);

        Item bread = repository.create(new NewItem("Bread", 1_000_000), null);
        assertThat(bread).isEqualTo(new Item(bread.id(), "Bread", 1_000_000, MutableClock.START,
                MutableClock.START, bread.etag()));
        assertThat(bread.id()).isNotEqualTo(milk.id());
        assertThat(bread.etag()).isNotEqualTo(milk.etag());
        assertThat(repository.findById(bread.id())).contains(bread);
        assertThat(repository.findById(milk.id())).contains(milk);
        assertThat(repository.count()).isEqualTo(2);
    }

    @Test
    void create_returnsExactlyWhatIsStored_evenWithAClockFinerThanTheStoreKeeps() {
        clock.set(MutableClock.START.plusNanos(123_456_789));

        Item milk = repository.create(new NewItem("Milk", 1), null);

        assertThat(repository.findById(milk.id())).contains(milk);
        assertThat(repository.listAfter(null, 10)).containsExactly(milk);
        // The clock's time, or (PostgreSQL keeps microseconds) the clock's time to the microsecond.
        assertThat(milk.createTime()).isEqualTo(milk.updateTime())
                .isIn(MutableClock.START.plusNanos(123_456_789), MutableClock.START.plusNanos(123_456_000));
    }

    @Test
    void aRetryWithTheSameRequestId_returnsTheItemAsFirstCreated_andStoresNothing() {
        Item first = repository.create(new NewItem("Milk", 1), KEY);
        clock.advance(Duration.ofSeconds(5));

        assertThat(repository.create(new NewItem("Something else", 7), KEY)).isEqualTo(first);
        assertThat(repository.create(new NewItem("Milk", 1), KEY)).isEqualTo(first);
        assertThat(repository.count()).isEqualTo(1);
        assertThat(repository.listAfter(null, 10)).containsExactly(first);

        // Another key, or none, creates a new item each time.
        Item other = repository.create(new NewItem("Milk", 1), OTHER_KEY);
        Item unkeyed = repository.create(new NewItem("Milk", 1), null);
        Item unkeyedAgain = repository.create(new NewItem("Milk", 1), null);
        Instant later = MutableClock.START.plusSeconds(5);
        assertThat(other).isEqualTo(new Item(other.id(), "Milk", 1, later, later, other.etag()));
        assertThat(repository.listAfter(null, 10)).containsExactly(first, other, unkeyed, unkeyedAgain);
        assertThat(repository.count()).isEqualTo(4);
    }

    @Test
    void concurrentCreatesWithOneRequestId_yieldOneItem() throws Exception {
        List<Item> items = onAllThreads(() -> repository.create(new NewItem("Milk", 1), KEY));

        List<Item> stored = repository.listAfter(null, 10);
        assertThat(stored).hasSize(1);
        assertThat(stored.get(0)).isEqualTo(new Item(stored.get(0).id(), "Milk", 1, MutableClock.START,
                MutableClock.START, stored.get(0).etag()));
        assertThat(items).hasSize(THREADS).containsOnly(stored.get(0));
        assertThat(repository.count()).isEqualTo(1);
    }

    @Test
    void aFullStore_isStoreFullAndCreatesNothing_butStillAnswersRetries() {
        ItemRepository small = newRepository(clock, 3);
        Item first = small.create(new NewItem("One", 1), KEY);
        Item second = small.create(new NewItem("Two", 2), null);
        Item third = small.create(new NewItem("Three", 3), null);

        DomainException full = catchThrowableOfType(DomainException.class,
                () -> small.create(new NewItem("Four", 4), null));
        DomainException fullWithKey = catchThrowableOfType(DomainException.class,
                () -> small.create(new NewItem("Four", 4), OTHER_KEY));

        assertStoreFull(full, 3);
        assertStoreFull(fullWithKey, 3);
        assertThat(small.create(new NewItem("One again", 9), KEY)).isEqualTo(first);
        assertThat(small.count()).isEqualTo(3);
        assertThat(small.listAfter(null, 10)).containsExactly(first, second, third);
    }

    @Test
    void concurrentCreatesAtTheLimit_storeExactlyTheMaximum() throws Exception {
        ItemRepository small = newRepository(clock, 50);
        AtomicInteger next = new AtomicInteger();

        List<List<Item>> createdPerThread = onAllThreads(() -> {
            List<Item> created = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                int n = next.getAndIncrement();
                try {
                    created.add(small.create(new NewItem("Item " + n, n + 1), key(n)));
                } catch (DomainException e) {
                    assertStoreFull(e, 50);
                }
            }
            return created;
        });

        List<Item> created = createdPerThread.stream().flatMap(List::stream).toList();
        assertThat(small.count()).isEqualTo(50);
        assertThat(created).hasSize(50);
        assertThat(small.listAfter(null, Integer.MAX_VALUE)).containsExactlyInAnyOrderElementsOf(created);
        // Every key that got an item still answers with it; the others were not kept.
        for (Item item : created) {
            int n = item.quantity() - 1;
            assertThat(small.create(new NewItem("retry", 1), key(n))).isEqualTo(item);
        }
        assertThat(small.count()).isEqualTo(50);
    }

    @Test
    void concurrentCreatesWithOneRequestIdForTheLastPlace_allGetTheOneItem() throws Exception {
        ItemRepository small = newRepository(clock, 1);

        List<Item> items = onAllThreads(() -> small.create(new NewItem("Milk", 1), KEY));

        List<Item> stored = small.listAfter(null, 10);
        assertThat(stored).hasSize(1);
        assertThat(items).hasSize(THREADS).containsOnly(stored.get(0));
        assertThat(small.count()).isEqualTo(1);
        assertStoreFull(catchThrowableOfType(DomainException.class,
                () -> small.create(new NewItem("Bread", 1), OTHER_KEY)), 1);
    }

    @Test
    void concurrentCreates_storeEveryItemOnceInIdOrder() throws Exception {
        int perThread = 125 * load();

        List<List<Item>> createdPerThread = onAllThreads(() -> {
            List<Item> created = new ArrayList<>();
            for (int i = 0; i < perThread; i++) {
                created.add(repository.create(new NewItem("Item " + i, i + 1), null));
            }
            return created;
        });

        List<Item> all = repository.listAfter(null, Integer.MAX_VALUE);
        assertThat(repository.count()).isEqualTo(THREADS * perThread);
        assertThat(all).hasSize(THREADS * perThread);
        assertThat(all).extracting(Item::id).doesNotHaveDuplicates().isSorted();
        assertThat(all).extracting(Item::etag).doesNotHaveDuplicates();
        assertThat(all).containsExactlyInAnyOrderElementsOf(
                createdPerThread.stream().flatMap(List::stream).toList());
        // Each thread's own items were stored in the order it created them.
        assertThat(createdPerThread).allSatisfy(created -> assertThat(created).extracting(Item::id).isSorted());
    }

    @Test
    void ids_sortInCreationOrder_evenWhenTheClockStandsStillOrGoesBack() {
        List<Item> created = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            created.add(repository.create(new NewItem("Same instant " + i, 1), null));
        }
        clock.advance(Duration.ofMillis(1));
        created.add(repository.create(new NewItem("A millisecond later", 1), null));
        clock.set(MutableClock.START.minusSeconds(60));
        created.add(repository.create(new NewItem("Clock stepped back", 1), null));

        assertThat(created).extracting(Item::id).doesNotHaveDuplicates().isSorted();
        assertThat(repository.listAfter(null, 10)).containsExactlyElementsOf(created);
        assertThat(created.get(4).createTime()).isEqualTo(MutableClock.START.minusSeconds(60));
    }

    @Test
    void listAfter_pagesInIdOrderFromTheCursor() {
        List<Item> created = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            created.add(repository.create(new NewItem("Item " + i, i + 1), null));
            clock.advance(Duration.ofSeconds(1));
        }

        List<Item> first = repository.listAfter(null, 3);
        List<Item> second = repository.listAfter(first.get(2).id(), 3);
        List<Item> last = repository.listAfter(second.get(2).id(), 3);

        assertThat(first).containsExactlyElementsOf(created.subList(0, 3));
        assertThat(second).containsExactlyElementsOf(created.subList(3, 6));
        assertThat(last).containsExactly(created.get(6));
        assertThat(repository.listAfter(created.get(6).id(), 3)).isEmpty();
        assertThat(repository.listAfter(null, 0)).isEmpty();
        assertThat(repository.listAfter(null, 1)).containsExactly(created.get(0));
        assertThat(repository.listAfter(null, 100)).containsExactlyElementsOf(created);
        assertThat(repository.listAfter(created.get(0).id(), Integer.MAX_VALUE))
                .containsExactlyElementsOf(created.subList(1, 7));
        // A cursor need not be a stored id: pages continue from where it sorts.
        assertThat(repository.listAfter(BEFORE_ALL, 2)).containsExactlyElementsOf(created.subList(0, 2));
        assertThat(repository.listAfter(AFTER_ALL, 2)).isEmpty();
    }

    @Test
    void anEmptyStore_listsNothingAndCountsZero() {
        assertThat(repository.listAfter(null, 10)).isEmpty();
        assertThat(repository.listAfter(BEFORE_ALL, 10)).isEmpty();
        assertThat(repository.listAfter(null, 0)).isEmpty();
        assertThat(repository.count()).isZero();
        assertThat(repository.findById(BEFORE_ALL)).isEmpty();
    }

    @Test
    void listingsWhileCreatesCommitOutOfIdOrder_holdEveryItemCreatedBeforeThemExactlyOnce() throws Exception {
        AtomicInteger next = new AtomicInteger();
        // Now and then a create pauses between making its id and storing its record, as a slow commit would.
        clock.stallEvery(50, java.time.Duration.ofMillis(2));

        ListingsWhileCreating.Report report = new ListingsWhileCreating<>(() -> {
            int n = next.getAndIncrement();
            return repository.create(new NewItem("Item " + n, 1), n % 2 == 0 ? null : key(n));
        }, Item::id, repository::listAfter).run(THREADS, 7, 5, 100_000 * load());

        assertThat(report.violations()).isEmpty();
        assertThat(report.outOfIdOrder()).as("creates proven to commit out of id order").isPositive();
        assertThat(report.listings()).isGreaterThanOrEqualTo(5);
        assertThat(repository.listAfter(null, Integer.MAX_VALUE)).hasSize(report.created());
        assertThat(repository.count()).isEqualTo(report.created());
    }

    @Test
    void count_countsEveryStoredItemOnce_notRetriesNorRefusedCreates() {
        ItemRepository small = newRepository(clock, 4);
        assertThat(small.count()).isZero();

        small.create(new NewItem("One", 1), KEY);
        assertThat(small.count()).isEqualTo(1);
        small.create(new NewItem("One", 1), KEY);
        assertThat(small.count()).isEqualTo(1);
        for (int i = 0; i < 3; i++) {
            small.create(new NewItem("More", 1), null);
        }
        assertThat(small.count()).isEqualTo(4);
        assertStoreFull(catchThrowableOfType(DomainException.class,
                () -> small.create(new NewItem("Too many", 1), OTHER_KEY)), 4);
        assertThat(small.count()).isEqualTo(4);
        assertThat(small.listAfter(null, 10)).hasSize(4);
    }

    /** A distinct, well-formed request id for each {@code n}. */
    private static String key(int n) {
        return String.format("0190b8d2-6f1e-7c3a-9d4b-%012x", n);
    }
}
