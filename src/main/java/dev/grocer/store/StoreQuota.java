package dev.grocer.store;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.grocer.common.DomainException;

/**
 * How many records of one resource the PostgreSQL store holds, kept within a configured maximum by creates
 * running side by side (schema in {@code db/migration/V4__store_quota.sql}). A single counter row would be
 * exact too, but every create would hold its lock through insert and commit, so creates would run one at a
 * time however many replicas and connections there are. Instead the count is split over {@value #STRIPES}
 * rows ("stripes", an escrow): stripe {@code i} may hold at most {@code max / 32 + (i < max % 32 ? 1 : 0)}, so
 * their sum never exceeds {@code max}, and a create holds only the stripe it counts itself in (and, now and
 * then, a full stripe it found changed by a commit while it looked).
 *
 * <p>Everything here runs inside the caller's transaction; the stripes a reservation locked stay locked until
 * that transaction ends, and roll back with it. Waiting is deadlock-free: a transaction takes stripes first,
 * before any other lock, and whenever it waits for a stripe it holds only stripes with lower numbers
 * ({@code SKIP LOCKED} never waits; what it took is given back through a savepoint before waiting).
 */
public final class StoreQuota {

    /** How many rows one resource's count is split into: up to this many creates run side by side, more wait. */
    public static final int STRIPES = 32;

    private static final RowMapper<Taken> TAKEN = (rs, row) -> new Taken(rs.getInt("stripe"), rs.getLong("take"));

    // The stripe's cap from the configured maximum, as SQL on a row whose stripe column is given.
    private static String cap(String stripe) {
        return "(:base + CASE WHEN " + stripe + " < :extra THEN 1 ELSE 0 END)";
    }

    // A stripe over its cap (the maximum was lowered, or V4 put an old count into stripe 0) makes the caps no
    // bound on the sum: only the exact path, which sees every stripe, may create then.
    private static final String NO_STRIPE_OVER_ITS_CAP = "NOT EXISTS (SELECT 1 FROM store_quota o "
            + "WHERE o.resource = :resource AND o.stored > " + cap("o.stripe") + ")";

    // Picks one stripe with room that no other transaction holds, starting the search at a random stripe so that
    // creates spread over all of them, and locks it; never waits. The first CTE of the statements below.
    private static final String PICK_A_FREE_STRIPE = """
            pick AS (
                SELECT stripe, LEAST(:want, %1$s - stored) AS take FROM store_quota
                WHERE resource = :resource AND stored < %1$s AND %2$s
                ORDER BY (stripe + :start) %% %3$d LIMIT 1
                FOR UPDATE SKIP LOCKED)""".formatted(cap("stripe"), NO_STRIPE_OVER_ITS_CAP, STRIPES);

    // Takes room from one stripe that no other transaction holds.
    private static final String TAKE_FREE_STRIPE = "WITH " + PICK_A_FREE_STRIPE + """

            UPDATE store_quota q SET stored = q.stored + pick.take FROM pick
            WHERE q.resource = :resource AND q.stripe = pick.stripe
            RETURNING q.stripe, pick.take""";

    // Takes room from the lowest stripe above :after that has room, waiting for it if another transaction
    // holds it: stripes are waited for in increasing order only.
    private static final String TAKE_NEXT_STRIPE = """
            WITH pick AS (
                SELECT stripe, LEAST(:want, %1$s - stored) AS take FROM store_quota
                WHERE resource = :resource AND stripe > :after AND stored < %1$s AND %2$s
                ORDER BY stripe LIMIT 1
                FOR UPDATE)
            UPDATE store_quota q SET stored = q.stored + pick.take FROM pick
            WHERE q.resource = :resource AND q.stripe = pick.stripe
            RETURNING q.stripe, pick.take""".formatted(cap("stripe"), NO_STRIPE_OVER_ITS_CAP);

    // The first step of reserve(1) and the insert that it counts, as one statement (with :want = 1): the row goes in
    // only if a free stripe with room was taken (the INSERT that follows selects FROM took).
    private static final String TAKE_ONE_FROM_A_FREE_STRIPE = "WITH " + PICK_A_FREE_STRIPE + """
            ,
            took AS (
                UPDATE store_quota q SET stored = q.stored + pick.take FROM pick
                WHERE q.resource = :resource AND q.stripe = pick.stripe
                RETURNING q.stripe)
            """;

    private static final String REMOVE_FROM_FREE_STRIPE = """
            WITH pick AS (
                SELECT stripe FROM store_quota WHERE resource = :resource AND stored > 0
                ORDER BY (stripe + :start) %% %d LIMIT 1
                FOR UPDATE SKIP LOCKED)
            UPDATE store_quota q SET stored = q.stored - 1 FROM pick
            WHERE q.resource = :resource AND q.stripe = pick.stripe""".formatted(STRIPES);

    private static final String REMOVE_FROM_LOWEST_STRIPE = """
            WITH pick AS (
                SELECT stripe FROM store_quota WHERE resource = :resource AND stored > 0
                ORDER BY stripe LIMIT 1
                FOR UPDATE)
            UPDATE store_quota q SET stored = q.stored - 1 FROM pick
            WHERE q.resource = :resource AND q.stripe = pick.stripe""";

    private final JdbcClient jdbc;
    private final TransactionTemplate savepoint;
    private final String resource;
    private final long max;
    private final Supplier<DomainException> full;

    /**
     * @param resource the resource's rows in {@code store_quota} ({@code users}, {@code orders}, {@code items})
     * @param max the configured maximum ({@code grocer.users.max-stored}, ...)
     * @param full the exception a create gets when the store is full
     */
    public StoreQuota(JdbcClient jdbc, PlatformTransactionManager transactions, String resource, long max,
            Supplier<DomainException> full) {
        this.jdbc = jdbc;
        this.savepoint = new TransactionTemplate(transactions);
        this.savepoint.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
        this.resource = resource;
        this.max = max;
        this.full = full;
    }

    /**
     * Counts {@code n} more records, or throws the store-full exception (and counts nothing). Call it inside the
     * transaction that creates them, before taking any other lock; the stripes it takes stay locked until that
     * transaction ends, and the count is undone if it rolls back.
     *
     * <p>First from stripes no other transaction holds ({@code SKIP LOCKED}, never waiting). If those do not
     * have room for {@code n}, what was taken is rolled back to a savepoint and stripes with room are waited
     * for in increasing order. If they do not have room either, every stripe is locked in increasing order and
     * the exact sum decides: full if the sum plus {@code n} exceeds the maximum; otherwise the {@code n} are
     * added and the count spread evenly over the stripes, which puts every stripe within its cap again.
     */
    public Reservation reserve(long n) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("reserve within the transaction that creates the records");
        }
        Reservation taken = new Reservation();
        if (n == 0) {
            return taken;
        }
        inSavepoint(taken, () -> takeFree(taken, n));
        if (taken.total == n) {
            return taken;
        }
        inSavepoint(taken, () -> takeInOrder(taken, n));
        if (taken.total == n) {
            return taken;
        }
        takeExactly(taken, n);
        return taken;
    }

    /**
     * Runs {@code take}; if it does not reserve all it was asked for, rolls back to a savepoint taken before it,
     * which undoes its counts and releases the stripes it locked (they belonged to the aborted subtransaction;
     * checked on PostgreSQL 17: another transaction locks them at once, and one waiting for them wakes up).
     */
    private void inSavepoint(Reservation taken, Runnable take) {
        // Even a step for one unit needs it: a row that a locking read finds changed by a commit since its
        // snapshot is locked before its room is checked again, and stays locked when it has none.
        savepoint.executeWithoutResult(status -> {
            take.run();
            if (!taken.isComplete()) {
                status.setRollbackOnly();
                taken.clear();
            }
        });
    }

    /**
     * Counts one record and inserts it in one statement, outside any transaction: one round trip and one commit,
     * where {@link #reserve} in a transaction takes a savepoint, the stripe, its release, then the insert. It takes
     * room from a stripe no other transaction holds, as {@code reserve(1)} does first, and runs
     * {@code insertFromTook}, an {@code INSERT ... SELECT ... FROM took} that inserts its row only if a stripe was
     * taken. Returns what the insert returns, or nothing when no free stripe had room (nothing was inserted or
     * counted): then create the record through {@link #reserve}, which waits for a stripe or finds the store full.
     * A failed insert (a unique value taken) counts nothing either: the statement is one transaction.
     */
    public <T> Optional<T> insertInAFreeStripe(String insertFromTook, Map<String, ?> insertParameters,
            RowMapper<T> returned) {
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("insertInAFreeStripe commits on its own: call it outside a transaction");
        }
        return jdbc.sql(TAKE_ONE_FROM_A_FREE_STRIPE + insertFromTook).params(capParameters()).param("want", 1)
                .param("start", ThreadLocalRandom.current().nextInt(STRIPES)).params(insertParameters)
                .query(returned).optional();
    }

    private void takeFree(Reservation taken, long n) {
        taken.wanted = n;
        while (taken.total < n) {
            Optional<Taken> one = jdbc.sql(TAKE_FREE_STRIPE).params(capParameters())
                    .param("want", n - taken.total).param("start", ThreadLocalRandom.current().nextInt(STRIPES))
                    .query(TAKEN).optional();
            if (one.isEmpty()) {
                return;
            }
            taken.add(one.get());
        }
    }

    private void takeInOrder(Reservation taken, long n) {
        taken.wanted = n;
        int after = -1;
        while (taken.total < n) {
            Optional<Taken> one = jdbc.sql(TAKE_NEXT_STRIPE).params(capParameters())
                    .param("want", n - taken.total).param("after", after)
                    .query(TAKEN).optional();
            if (one.isEmpty()) {
                return;
            }
            taken.add(one.get());
            after = one.get().stripe();
        }
    }

    private void takeExactly(Reservation taken, long n) {
        List<Long> stored = jdbc.sql("SELECT stored FROM store_quota WHERE resource = ? ORDER BY stripe FOR UPDATE")
                .param(resource).query(Long.class).list();
        if (stored.size() != STRIPES) {
            throw new IllegalStateException("store_quota has " + stored.size() + " stripes for " + resource
                    + ", not " + STRIPES);
        }
        long sum = stored.stream().mapToLong(Long::longValue).sum();
        if (sum + n > max) {
            throw full.get();
        }
        // Spread evenly, stripe i gets total / 32 (+1 for the first total % 32): within every cap, since the
        // total is at most the maximum.
        long total = sum + n;
        Short[] stripes = new Short[STRIPES];
        Long[] values = new Long[STRIPES];
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = (short) i;
            values[i] = total / STRIPES + (i < total % STRIPES ? 1 : 0);
        }
        jdbc.sql("""
                UPDATE store_quota q SET stored = v.stored
                FROM unnest(?::smallint[], ?::bigint[]) AS v (stripe, stored)
                WHERE q.resource = ? AND q.stripe = v.stripe""").params(stripes, values, resource).update();
        taken.wanted = n;
        for (int i = 0; i < STRIPES; i++) {
            // Every stripe is locked by this transaction: any unit of any of them can be given back.
            taken.units[i] = values[i];
        }
        taken.total = n;
    }

    /**
     * Counts one record fewer, inside the transaction that deletes it; call it before the delete takes any
     * other lock. Takes a stripe with a count that no other transaction holds, or else waits for the lowest one,
     * holding no other stripe meanwhile.
     *
     * @return false if every stripe is at 0 (nothing was counted)
     */
    public boolean remove() {
        // In a savepoint: a stripe this statement locked but found at 0 must not stay locked while the next one
        // waits.
        boolean removed = Boolean.TRUE.equals(savepoint.execute(status -> {
            if (jdbc.sql(REMOVE_FROM_FREE_STRIPE).param("resource", resource)
                    .param("start", ThreadLocalRandom.current().nextInt(STRIPES)).update() == 1) {
                return true;
            }
            status.setRollbackOnly();
            return false;
        }));
        return removed || jdbc.sql(REMOVE_FROM_LOWEST_STRIPE).param("resource", resource).update() == 1;
    }

    /** How many records are stored, as of the last commit. */
    public long count() {
        return jdbc.sql("SELECT coalesce(sum(stored), 0) FROM store_quota WHERE resource = ?").param(resource)
                .query(Long.class).single();
    }

    private Map<String, Object> capParameters() {
        return Map.of("resource", resource, "base", max / STRIPES, "extra", max % STRIPES);
    }

    private record Taken(int stripe, long units) {}

    /**
     * What one {@link #reserve} counted, by stripe: the stripes it locked, so that units the transaction
     * does not use can be given back to them.
     */
    public final class Reservation {

        private final long[] units = new long[STRIPES];
        private long total;
        private long wanted;

        private Reservation() {}

        private void add(Taken taken) {
            units[taken.stripe()] += taken.units();
            total += taken.units();
        }

        private boolean isComplete() {
            return total == wanted;
        }

        private void clear() {
            Arrays.fill(units, 0);
            total = 0;
        }

        /** Gives back {@code n} of the reserved units that the transaction did not use, to stripes it holds. */
        public void release(long n) {
            if (n > total) {
                throw new IllegalArgumentException("cannot give back " + n + " of " + total + " reserved");
            }
            for (int stripe = 0; stripe < STRIPES && n > 0; stripe++) {
                long back = Math.min(n, units[stripe]);
                if (back > 0) {
                    jdbc.sql("UPDATE store_quota SET stored = stored - ? WHERE resource = ? AND stripe = ?")
                            .params(back, resource, stripe).update();
                    units[stripe] -= back;
                    total -= back;
                    n -= back;
                }
            }
        }
    }
}
