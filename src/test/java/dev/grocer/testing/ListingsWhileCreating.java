package dev.grocer.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Lists a store page by page while other threads create records in it, and checks every listing against the
 * guarantee the stores give: every record whose create returned before the listing began appears in it
 * exactly once, whatever commits meanwhile (records committed during a listing may or may not appear).
 *
 * <p>The guarantee is only tested if records commit out of id order, a record with a smaller id after one
 * with a larger id: a listing that had already passed the smaller id must not need it, and a listing that
 * began after its commit must still find it. So a prober also reads the newest records over and over and
 * counts the commits it can prove were out of id order: an id {@code x} absent from a read of its range
 * that started after another read had returned an id {@code y > x}, and whose create returned later. Such
 * an {@code x} committed after {@code y}, whatever the store.
 */
public final class ListingsWhileCreating<T> {

    /**
     * What a run saw.
     *
     * @param listings how many complete listings were checked
     * @param created how many records were created
     * @param outOfIdOrder how many commits were proven out of id order
     * @param violations each breach of the guarantee, described; empty if none
     */
    public record Report(int listings, int created, int outOfIdOrder, List<String> violations) {}

    private final Callable<T> create;
    private final Function<T, String> idOf;
    private final BiFunction<String, Integer, List<T>> listAfter;

    private final NavigableSet<String> returned = new ConcurrentSkipListSet<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicInteger listings = new AtomicInteger();
    private final AtomicInteger created = new AtomicInteger();
    // Consecutive probes, each with what it found in its range and the largest id the one before it found;
    // checked once the creates that were running have returned, then dropped.
    private final java.util.Queue<Probe> probes = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final Set<String> proven = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private record Probe(long nanos, String after, String upTo, String[] found, String largestBefore) {}

    /**
     * @param create creates one record and returns it
     * @param listAfter the store's keyset read: up to {@code max} records after an id ({@code null}: the first)
     */
    public ListingsWhileCreating(Callable<T> create, Function<T, String> idOf,
            BiFunction<String, Integer, List<T>> listAfter) {
        this.create = create;
        this.idOf = idOf;
        this.listAfter = listAfter;
    }

    /**
     * Creates on {@code creators} threads while one thread lists with pages of {@code pageSize} and another
     * probes, until at least {@code minListings} listings are done and a commit out of id order was proven,
     * or {@code maxCreated} records were created, or it has run for {@link #GIVE_UP_AFTER}.
     */
    public Report run(int creators, int pageSize, int minListings, int maxCreated) throws Exception {
        long giveUp = System.nanoTime() + GIVE_UP_AFTER.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(creators + 2);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < creators; i++) {
                running.add(pool.submit(() -> {
                    while (!stop.get() && created.getAndIncrement() < maxCreated) {
                        returned.add(idOf.apply(create.call()));
                    }
                    stop.set(true);
                    return null;
                }));
            }
            running.add(pool.submit(() -> {
                while (!stop.get()) {
                    list(pageSize);
                }
                return null;
            }));
            running.add(pool.submit(() -> {
                probe();
                return null;
            }));
            while (!stop.get()) {
                checkProbes(System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(500));
                if (listings.get() >= minListings && !proven.isEmpty() || System.nanoTime() > giveUp) {
                    stop.set(true);
                }
                Thread.sleep(20);
            }
            for (Future<?> future : running) {
                future.get(60, TimeUnit.SECONDS);
            }
            checkProbes(Long.MAX_VALUE);
            list(pageSize); // and once more when nothing commits
            return new Report(listings.get(), returned.size(), proven.size(), List.copyOf(violations));
        } finally {
            pool.shutdownNow();
        }
    }

    /** One listing, page by page from the first, checked against what had returned before it began. */
    private void list(int pageSize) {
        Set<String> before = Set.copyOf(returned);
        List<String> seen = new ArrayList<>();
        String after = null;
        while (true) {
            List<T> page = listAfter.apply(after, pageSize);
            for (T record : page) {
                String id = idOf.apply(record);
                if (!seen.isEmpty() && id.compareTo(seen.get(seen.size() - 1)) <= 0) {
                    violations.add("listing " + listings.get() + ": " + id + " after " + seen.get(seen.size() - 1)
                            + (seen.contains(id) ? " (twice)" : ""));
                }
                seen.add(id);
            }
            if (page.size() < pageSize) {
                break;
            }
            after = idOf.apply(page.get(page.size() - 1));
        }
        Set<String> missing = new java.util.TreeSet<>(before);
        seen.forEach(missing::remove);
        if (!missing.isEmpty()) {
            violations.add("listing " + listings.get() + " misses " + missing.size()
                    + " records created before it began, such as " + missing.iterator().next());
        }
        listings.incrementAndGet();
    }

    /** Reads the newest records over and over, from a little before the largest id the last read found. */
    private void probe() {
        String largest = null;
        String from = null;
        while (!stop.get()) {
            long nanos = System.nanoTime();
            List<T> read = listAfter.apply(from, PROBE_SIZE);
            String[] found = read.stream().map(idOf).toArray(String[]::new); // in id order
            String upTo = read.size() < PROBE_SIZE ? null : found[found.length - 1];
            if (largest != null) {
                probes.add(new Probe(nanos, from, upTo, found, largest));
            }
            if (found.length > 0) {
                largest = found[found.length - 1];
                // Behind the newest records (a full read): catch up. At them: stay a little behind the largest,
                // where a record with a smaller id may still commit.
                from = upTo != null ? upTo : found.length > PROBE_BACK ? found[found.length - PROBE_BACK - 1] : from;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(50_000);
        }
    }

    /** How long a run goes on at most, if it proves no commit out of id order sooner. */
    public static final java.time.Duration GIVE_UP_AFTER = java.time.Duration.ofSeconds(30);

    private static final int PROBE_SIZE = 60;
    private static final int PROBE_BACK = 40;

    /**
     * Looks at the probes made before {@code beforeNanos} for ids created since that are absent from a probe's
     * range although the probe before it had found a larger id: each one committed out of id order.
     */
    private void checkProbes(long beforeNanos) {
        for (Probe probe = probes.peek(); probe != null && probe.nanos() < beforeNanos; probe = probes.peek()) {
            probes.poll();
            // The probe read (after, upTo], or everything after "after" if upTo is null.
            boolean beforeLargest = probe.upTo() == null || probe.upTo().compareTo(probe.largestBefore()) >= 0;
            String to = beforeLargest ? probe.largestBefore() : probe.upTo();
            NavigableSet<String> range = probe.after() == null ? returned.headSet(to, !beforeLargest)
                    : probe.after().compareTo(to) >= 0 ? java.util.Collections.emptyNavigableSet()
                    : returned.subSet(probe.after(), false, to, !beforeLargest);
            for (String id : range) {
                if (java.util.Arrays.binarySearch(probe.found(), id) < 0) {
                    proven.add(id);
                }
            }
        }
    }
}
