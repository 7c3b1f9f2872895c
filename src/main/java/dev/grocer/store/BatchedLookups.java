package dev.grocer.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

import javax.sql.DataSource;

/**
 * Reads by id that arrive together go to PostgreSQL as one query ({@code WHERE id = ANY(?)}): "smart batching". No
 * call waits for a batch to fill. A lookup joins a queue; if fewer than {@code maxRunning} queries run, its own thread
 * takes everything queued (up to {@code maxBatch}) and runs one query for all of it; otherwise it waits for a running
 * query to finish, which either answers it or frees a place for it to run the next one. Alone, a lookup is one query
 * as before; with 64 calls in flight, one query answers many of them, so the statement, the pool checkout, the round
 * trip and the thread hand-offs are paid once per batch instead of once per call (docs/performance.md).
 *
 * <p>A batch runs outside the call that happens to run it ({@link CallBoundDataSource#outsideTheCall}), so that a
 * cancelled leader does not fail the others' lookups; each lookup is still admitted on its own call's terms (deadline
 * left, the waiting bound) before it queues. Hand-written: DataLoader-style libraries batch by an explicit dispatch or
 * a timer, which adds latency; this needs neither.
 *
 * @param <V> what one id reads
 */
public final class BatchedLookups<V> {

    /**
     * A waiting lookup is woken when its batch is done, or when a place frees while it is first in line; it also looks
     * again after this long, as a safety net. Not much shorter: with many lookups waiting, frequent timed wake-ups
     * would keep the threads that run calls busy with nothing (on virtual threads, they would queue ahead of the
     * batches themselves).
     */
    private static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private static final class Lookup<V> {
        final String id;
        final Thread thread = Thread.currentThread();
        V value;
        RuntimeException error;
        volatile boolean done;

        Lookup(String id) {
            this.id = id;
        }
    }

    private final Function<Collection<String>, Map<String, V>> load;
    /** The data source's {@link CallBoundDataSource}, however wrapped (tracing wraps it), or null. */
    private final CallBoundDataSource callBound;
    private final int maxBatch;
    private final Semaphore running;
    private final ConcurrentLinkedQueue<Lookup<V>> queue = new ConcurrentLinkedQueue<>();
    private final LongAdder idleRounds = new LongAdder();

    /**
     * @param load reads the records of the given ids in one query; an id with no record is absent from the map
     * @param dataSource what {@code load} reads from: a {@link CallBoundDataSource} admits each lookup on its call's terms
     * @param maxBatch the most ids in one query
     * @param maxRunning the most queries running at once
     */
    public BatchedLookups(Function<Collection<String>, Map<String, V>> load, DataSource dataSource, int maxBatch,
            int maxRunning) {
        this.load = load;
        this.callBound = callBound(dataSource);
        this.maxBatch = maxBatch;
        this.running = new Semaphore(maxRunning);
    }

    private static CallBoundDataSource callBound(DataSource dataSource) {
        if (dataSource == null) {
            return null;
        }
        try {
            return dataSource.isWrapperFor(CallBoundDataSource.class) ? dataSource.unwrap(CallBoundDataSource.class)
                    : null;
        } catch (java.sql.SQLException e) {
            return null;
        }
    }

    /** The record with this id, read in a batch with whatever other lookups are waiting. */
    public Optional<V> find(String id) {
        Runnable leave = callBound != null ? callBound.admit() : () -> {};
        try {
            Lookup<V> mine = new Lookup<>(id);
            queue.add(mine);
            while (!mine.done) {
                boolean ranOne = false;
                if (running.tryAcquire()) {
                    try {
                        ranOne = runOneBatch();
                    } finally {
                        running.release();
                    }
                    Lookup<V> next = queue.peek();
                    if (next != null) {
                        LockSupport.unpark(next.thread); // a place is free: the next in line may run its batch
                    }
                }
                if (!ranOne && !mine.done) {
                    // Every place is taken, or this lookup is in a batch another thread runs: that batch, or the
                    // next place to free, wakes it. (Taking the free place again and again instead would spin.)
                    LockSupport.parkNanos(this, RECHECK_NANOS);
                }
            }
            if (mine.error != null) {
                throw mine.error;
            }
            return Optional.ofNullable(mine.value);
        } finally {
            leave.run();
        }
    }

    /** Times a lookup took a free place and found nothing to run (for tests). */
    long idleRounds() {
        return idleRounds.sum();
    }

    /** Lookups queued and not yet taken into a batch (for tests). */
    int queued() {
        return queue.size();
    }

    /** Runs one query for what is queued; false if nothing was. */
    private boolean runOneBatch() {
        List<Lookup<V>> batch = new ArrayList<>();
        Lookup<V> next;
        while (batch.size() < maxBatch && (next = queue.poll()) != null) {
            batch.add(next);
        }
        if (batch.isEmpty()) {
            idleRounds.increment();
            return false;
        }
        Set<String> ids = new LinkedHashSet<>();
        batch.forEach(lookup -> ids.add(lookup.id));
        Map<String, V> found = Map.of();
        RuntimeException failure = null;
        try {
            found = CallBoundDataSource.outsideTheCall(() -> load.apply(ids));
        } catch (RuntimeException e) {
            failure = e;
        }
        Thread self = Thread.currentThread();
        for (Lookup<V> lookup : batch) {
            lookup.value = found.get(lookup.id);
            lookup.error = failure;
            lookup.done = true;
            if (lookup.thread != self) {
                LockSupport.unpark(lookup.thread);
            }
        }
        return true;
    }
}
