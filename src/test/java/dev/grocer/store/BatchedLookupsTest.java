package dev.grocer.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link BatchedLookups} on its own, with a load function that records each query it is asked to run (the
 * repositories' contract suites run it against PostgreSQL): lookups that arrive while a query runs go out together in
 * the next one, each caller gets its own record, and a failed query fails exactly the lookups it carried.
 */
class BatchedLookupsTest {

    private final List<List<String>> queries = new CopyOnWriteArrayList<>();
    private final ExecutorService callers = Executors.newCachedThreadPool();
    private volatile CountDownLatch firstQueryMayEnd = new CountDownLatch(0);
    private volatile CountDownLatch secondQueryMayEnd = new CountDownLatch(0);
    /** Holds every query after the second until counted down, when set. */
    private volatile CountDownLatch everyQueryMayEnd = new CountDownLatch(0);
    private volatile RuntimeException failNext;

    private Map<String, String> load(Collection<String> ids) {
        queries.add(List.copyOf(ids));
        try {
            int query = queries.size();
            (query == 1 ? firstQueryMayEnd : query == 2 ? secondQueryMayEnd : everyQueryMayEnd)
                    .await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        RuntimeException failure = failNext;
        if (failure != null) {
            failNext = null;
            throw failure;
        }
        Map<String, String> found = new HashMap<>();
        ids.stream().filter(id -> !id.startsWith("missing")).forEach(id -> found.put(id, "record " + id));
        return found;
    }

    @AfterEach
    void stopCallers() {
        callers.shutdownNow();
    }

    @Test
    void aLookupAlone_isOneQueryForItsId() {
        BatchedLookups<String> lookups = new BatchedLookups<>(this::load, null, 128, 4);

        assertThat(lookups.find("a")).contains("record a");
        assertThat(lookups.find("missing-b")).isEmpty();
        assertThat(queries).containsExactly(List.of("a"), List.of("missing-b"));
    }

    @Test
    void lookupsThatArriveWhileEveryQueryPlaceIsTaken_goOutTogetherInTheNextQuery_andEachGetsItsOwnRecord()
            throws Exception {
        BatchedLookups<String> lookups = new BatchedLookups<>(this::load, null, 128, 1);
        firstQueryMayEnd = new CountDownLatch(1);
        Future<Optional<String>> first = callers.submit(() -> lookups.find("first"));
        await().atMost(Duration.ofSeconds(10)).until(() -> queries.size() == 1);
        List<Future<Optional<String>>> others = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String id = i % 10 == 0 ? "missing-" + i : "id-" + i;
            others.add(callers.submit(() -> lookups.find(id)));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> lookups.queued() == 50);

        firstQueryMayEnd.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).contains("record first");
        for (int i = 0; i < 50; i++) {
            assertThat(others.get(i).get(10, TimeUnit.SECONDS))
                    .isEqualTo(i % 10 == 0 ? Optional.empty() : Optional.of("record id-" + i));
        }
        assertThat(queries).hasSize(2);
        assertThat(queries.get(0)).containsExactly("first");
        assertThat(queries.get(1)).hasSize(50);
    }

    @Test
    void aQueryTakesAtMostTheBatchSize_andTheSameIdTwiceIsReadOnce() throws Exception {
        BatchedLookups<String> lookups = new BatchedLookups<>(this::load, null, 4, 1);
        firstQueryMayEnd = new CountDownLatch(1);
        Future<Optional<String>> first = callers.submit(() -> lookups.find("first"));
        await().atMost(Duration.ofSeconds(10)).until(() -> queries.size() == 1);
        List<Future<Optional<String>>> others = new ArrayList<>();
        for (String id : List.of("a", "a", "b", "c", "d", "e")) {
            others.add(callers.submit(() -> lookups.find(id)));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> lookups.queued() == 6);

        firstQueryMayEnd.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).contains("record first");
        for (Future<Optional<String>> other : others) {
            assertThat(other.get(10, TimeUnit.SECONDS)).isPresent();
        }
        assertThat(queries.subList(1, queries.size())).allSatisfy(query -> assertThat(query).hasSizeLessThanOrEqualTo(4));
        assertThat(queries.subList(1, queries.size()).stream().flatMap(List::stream).sorted().toList())
                .containsExactly("a", "b", "c", "d", "e"); // "a" once: both its lookups were in one query
    }

    @Test
    void aLookupCarriedByAnotherThreadsQuery_sleepsUntilAnswered_evenWhileAPlaceIsFree() throws Exception {
        BatchedLookups<String> lookups = new BatchedLookups<>(this::load, null, 128, 2);
        firstQueryMayEnd = new CountDownLatch(1);
        secondQueryMayEnd = new CountDownLatch(1);
        everyQueryMayEnd = new CountDownLatch(1);
        // Two callers take both places; two more queue behind them.
        Future<Optional<String>> first = callers.submit(() -> lookups.find("first"));
        await().atMost(Duration.ofSeconds(10)).until(() -> queries.size() == 1);
        Future<Optional<String>> other = callers.submit(() -> lookups.find("other"));
        await().atMost(Duration.ofSeconds(10)).until(() -> queries.size() == 2);
        Future<Optional<String>> second = callers.submit(() -> lookups.find("second"));
        await().atMost(Duration.ofSeconds(10)).until(() -> lookups.queued() == 1);
        Future<Optional<String>> third = callers.submit(() -> lookups.find("third"));
        await().atMost(Duration.ofSeconds(10)).until(() -> lookups.queued() == 2);
        // The first query ends: the first in line runs one query for both queued lookups, held by the test.
        firstQueryMayEnd.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> queries.size() == 3);
        assertThat(queries.get(2)).containsExactly("second", "third");
        assertThat(first.get(10, TimeUnit.SECONDS)).contains("record first");

        // The other query ends too: a place is free while the third lookup is carried by the second's query. Its caller
        // sleeps until that query answers it, rather than take and give back the free place over and over.
        secondQueryMayEnd.countDown();
        assertThat(other.get(10, TimeUnit.SECONDS)).contains("record other");
        long idleBefore = lookups.idleRounds();
        Thread.sleep(300);
        assertThat(lookups.idleRounds() - idleBefore).isLessThan(50);

        everyQueryMayEnd.countDown();
        assertThat(second.get(10, TimeUnit.SECONDS)).contains("record second");
        assertThat(third.get(10, TimeUnit.SECONDS)).contains("record third");
    }

    @Test
    void aFailedQuery_failsTheLookupsItCarried_andTheNextQueryServesAgain() {
        BatchedLookups<String> lookups = new BatchedLookups<>(this::load, null, 128, 4);
        IllegalStateException down = new IllegalStateException("the database is down");
        failNext = down;

        assertThatThrownBy(() -> lookups.find("a")).isSameAs(down);
        assertThat(lookups.find("a")).contains("record a");
    }
}
