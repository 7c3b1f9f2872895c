package dev.grocer.greeter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.Test;

import dev.grocer.testing.Concurrently;
import dev.grocer.testing.MutableClock;

/** The in-memory item store under many threads at once, and its paging. */
class InMemoryItemRepositoryTest {

    private static final int THREADS = 8;

    private final InMemoryItemRepository repository = new InMemoryItemRepository(new MutableClock(), new GreeterProperties(50, 1000, 2_000_000));

    private static <T> List<T> onAllThreads(Callable<T> task) throws Exception {
        return Concurrently.onThreads(THREADS, task);
    }

    @Test
    void concurrentCreates_storeEveryItemOnceInIdOrder() throws Exception {
        int perThread = 500;

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
    void concurrentCreatesWithOneRequestId_yieldOneItem() throws Exception {
        String requestId = "0190b8d2-6f1e-7c3a-9d4b-2f6c1e8a5b7d";

        List<String> ids = onAllThreads(() -> repository.create(new NewItem("Milk", 1), requestId).id());

        assertThat(Set.copyOf(ids)).hasSize(1);
        assertThat(repository.count()).isEqualTo(1);
    }

    @Test
    void listAfter_returnsAtMostMaxItemsAfterTheGivenId() {
        List<Item> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(repository.create(new NewItem("Item " + i, 1), null));
        }

        assertThat(repository.listAfter(null, 2)).isEqualTo(created.subList(0, 2));
        assertThat(repository.listAfter(created.get(1).id(), 2)).isEqualTo(created.subList(2, 4));
        assertThat(repository.listAfter(created.get(3).id(), 2)).isEqualTo(created.subList(4, 5));
        assertThat(repository.listAfter(created.get(4).id(), 2)).isEmpty();
        assertThat(repository.listAfter(null, 0)).isEmpty();
    }
}
