package dev.grocer.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.grocer.common.DomainException;
import dev.grocer.testing.Concurrently;
import dev.grocer.testing.ListingsWhileCreating;
import dev.grocer.testing.MutableClock;

/**
 * What every {@link OrderRepository} does, whatever it stores orders in: one suite, run against each
 * implementation by a subclass, so that they cannot drift apart. The concurrent tests check exact counts: no
 * lost or phantom writes, no store over its maximum.
 */
abstract class OrderRepositoryContract {

    private static final int THREADS = 8;
    static final String ADA = "0190b8d2-6f1e-7c3a-9d4b-2f6c1e8a5b7d";
    static final String GRACE = "0190b8d2-6f1e-7c3a-9d4b-2f6c1e8a5b7e";
    private static final String KEY = "0190b8d2-6f1e-7c3a-9d4b-2f6c1e8a5b80";
    private static final String UNKNOWN = "0190b8d2-6f1e-7c3a-9d4b-2f6c1e8a5b81";
    static final Address HOME = new Address("Main Street", "12B", "Springfield", "SW1A 1AA");
    static final Address WORK = new Address("Harbour Road", "1", "Shelbyville", "12345");
    /** The fulfilment step OrderManagement passes to {@link OrderRepository#advanceDue}. */
    static final UnaryOperator<Order> STEP = OrderManagement::nextStep;

    protected final MutableClock clock = new MutableClock();
    private OrderRepository repository;

    /** A new, empty store holding at most {@code maxStored} orders, stamping times from {@code clock}. */
    protected abstract OrderRepository newRepository(MutableClock clock, int maxStored);

    /** How many times the base amount of work the concurrent tests do (a database is slower than memory). */
    protected abstract int load();

    @BeforeEach
    void newStore() {
        repository = newRepository(clock, 2_000_000);
    }

    private static <T> List<T> onAllThreads(Callable<T> task) throws Exception {
        return Concurrently.onThreads(THREADS, task);
    }

    static Money eur(long units, int nanos) {
        return new Money("EUR", units, nanos);
    }

    /** Two apples at 1.25 and one bread at 3.10, 5.60 EUR in all, for {@code userId}. */
    static NewOrder groceries(String userId) {
        return new NewOrder(userId, List.of(new OrderItem("Apple", 2, eur(1, 250_000_000)),
                new OrderItem("Bread", 1, eur(3, 100_000_000))), HOME);
    }

    /** The total OrderManagement passes: the exact sum of quantity times price. */
    static Money totalOf(NewOrder order) {
        return order.items().stream().map(i -> i.unitPrice().times(i.quantity())).reduce(Money::plus).orElseThrow();
    }

    private Order create(NewOrder order, String requestId) {
        return repository.create(order, totalOf(order), requestId);
    }

    private Order create(String userId) {
        return create(groceries(userId), null);
    }

    @Test
    void update_announcesEachChangeWithTheStoredOrder_inTheOrderTheyWereStored() {
        RecordingListener heard = new RecordingListener(id -> true);
        repository.listen(heard);
        Order placed = repository.create(groceries(ADA), totalOf(groceries(ADA)), null);

        Order moved = repository.update(placed.withAddress(WORK), OrderChange.ADDRESS_UPDATED);
        Order preparing = repository.update(moved.withStatus(OrderStatus.PREPARING), OrderChange.STATUS_CHANGED);
        Order cancelled = repository.update(preparing.withStatus(OrderStatus.CANCELLED), OrderChange.CANCELLED);

        List<OrderEvent> expected = List.of(new OrderEvent(OrderChange.ADDRESS_UPDATED, moved),
                new OrderEvent(OrderChange.STATUS_CHANGED, preparing), new OrderEvent(OrderChange.CANCELLED, cancelled));
        org.awaitility.Awaitility.await().until(() -> heard.events().size() >= 3);
        assertThat(heard.events()).isEqualTo(expected);
    }

    @Test
    void aChangeNobodyWants_isNotPassedOn_andAFailedWriteAnnouncesNothing() throws Exception {
        Order wanted = repository.create(groceries(ADA), totalOf(groceries(ADA)), null);
        Order unwanted = repository.create(groceries(GRACE), totalOf(groceries(GRACE)), null);
        RecordingListener heard = new RecordingListener(wanted.id()::equals);
        repository.listen(heard);

        repository.update(unwanted.withAddress(WORK), OrderChange.ADDRESS_UPDATED);
        Order moved = repository.update(wanted.withAddress(WORK), OrderChange.ADDRESS_UPDATED);
        DomainException stale = catchThrowableOfType(DomainException.class,
                () -> repository.update(wanted.withStatus(OrderStatus.CANCELLED), OrderChange.CANCELLED));

        org.awaitility.Awaitility.await().until(() -> !heard.events().isEmpty());
        Thread.sleep(200); // anything else would have come by now
        assertThat(stale.reason()).isEqualTo("ETAG_MISMATCH");
        assertThat(heard.events()).containsExactly(new OrderEvent(OrderChange.ADDRESS_UPDATED, moved));
    }

    @Test
    void advanceDue_stepsTheOrdersLongestAtTheirStatus_upToMax_andAnnouncesEach() {
        RecordingListener heard = new RecordingListener(id -> true);
        repository.listen(heard);
        Order first = create(ADA);
        clock.advance(Duration.ofSeconds(1));
        Order second = create(GRACE);
        clock.advance(Duration.ofSeconds(1));
        Order third = create(ADA);
        clock.advance(Duration.ofSeconds(2)); // at their status for 4, 3 and 2 seconds

        List<Order> stepped = repository.advanceDue(Duration.ofSeconds(2), 2, STEP);
        List<Order> rest = repository.advanceDue(Duration.ofSeconds(2), 2, STEP);
        List<Order> none = repository.advanceDue(Duration.ofSeconds(2), 2, STEP);

        assertThat(stepped).extracting(Order::id, Order::status, Order::updateTime).containsExactly(
                tuple(first.id(), OrderStatus.PREPARING, clock.instant()),
                tuple(second.id(), OrderStatus.PREPARING, clock.instant()));
        assertThat(rest).extracting(Order::id, Order::status).containsExactly(
                tuple(third.id(), OrderStatus.PREPARING));
        assertThat(none).isEmpty();
        assertThat(stepped.get(0).version()).isGreaterThan(first.version());
        for (Order order : List.of(stepped.get(0), stepped.get(1), rest.get(0))) {
            assertThat(repository.findById(order.id())).contains(order);
        }
        org.awaitility.Awaitility.await().until(() -> heard.events().size() >= 3);
        assertThat(heard.events()).containsExactly(new OrderEvent(OrderChange.STATUS_CHANGED, stepped.get(0)),
                new OrderEvent(OrderChange.STATUS_CHANGED, stepped.get(1)),
                new OrderEvent(OrderChange.STATUS_CHANGED, rest.get(0)));
    }

    @Test
    void advanceDue_countsTheDelayFromTheLastStatusChangeOnly_andNeverTakesAFinalOrder() {
        Order placed = create(ADA);
        repository.update(create(GRACE).withStatus(OrderStatus.CANCELLED), OrderChange.CANCELLED);
        repository.update(create(GRACE).withStatus(OrderStatus.DELIVERED), OrderChange.STATUS_CHANGED);
        clock.advance(Duration.ofSeconds(1));
        Order moved = repository.update(placed.withAddress(WORK), OrderChange.ADDRESS_UPDATED);
        clock.advance(Duration.ofSeconds(1));

        List<Order> stepped = repository.advanceDue(Duration.ofSeconds(2), 10, STEP);
        List<Order> again = repository.advanceDue(Duration.ofSeconds(2), 10, STEP);
        clock.advance(Duration.ofSeconds(2));
        List<Order> next = repository.advanceDue(Duration.ofSeconds(2), 10, STEP);

        assertThat(stepped).extracting(Order::id, Order::status, Order::deliveryAddress).containsExactly(
                tuple(placed.id(), OrderStatus.PREPARING, WORK));
        assertThat(stepped.get(0).version()).isGreaterThan(moved.version());
        assertThat(again).isEmpty();
        assertThat(next).extracting(Order::id, Order::status).containsExactly(
                tuple(placed.id(), OrderStatus.OUT_FOR_DELIVERY));
    }

    /** Keeps what it hears; wants the orders {@code wants} accepts. */
    static final class RecordingListener implements OrderChangeListener {
        private final java.util.function.Predicate<String> wants;
        private final List<OrderEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final List<String> missedOrders = new java.util.concurrent.CopyOnWriteArrayList<>();

        RecordingListener(java.util.function.Predicate<String> wants) {
            this.wants = wants;
        }

        List<OrderEvent> events() {
            return List.copyOf(events);
        }

        /** The orders whose change could not be passed on. */
        List<String> missedOrders() {
            return List.copyOf(missedOrders);
        }

        @Override
        public boolean wants(String id) {
            return wants.test(id);
        }

        @Override
        public void changed(OrderEvent event) {
            events.add(event);
        }

        @Override
        public void missed() {
            throw new AssertionError("no change can be missed here");
        }

        @Override
        public void missed(String id) {
            missedOrders.add(id);
        }
    }

    @Test
    void create_storesThePlacedOrderWithItsItemsInOrderAndItsTotal_andFindsItById() {
        NewOrder order = new NewOrder(ADA, List.of(new OrderItem("Zucchini", 3, eur(0, 990_000_000)),
                new OrderItem("Apple", 2, eur(1, 250_000_000)), new OrderItem("Milk", 1, eur(1, 0)),
                new OrderItem("Free sample", 1, eur(0, 0))), HOME);

        Order created = repository.create(order, eur(7, 470_000_000), null);

        assertThat(created).isEqualTo(new Order(created.id(), ADA, order.items(), HOME, OrderStatus.PLACED,
                eur(7, 470_000_000), MutableClock.START, MutableClock.START, created.version()));
        assertThat(created.id()).matches("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        assertThat(created.etag()).isEqualTo(Long.toString(created.version(), 36));
        assertThat(repository.findById(created.id())).contains(created);
        assertThat(repository.findById(UNKNOWN)).isEmpty();
        assertThat(repository.findById("not an id")).isEmpty();
    }

    @Test
    void create_keepsMoneyExact_inCurrenciesWithZeroToFourDecimalPlaces() {
        List<NewOrder> orders = List.of(
                new NewOrder(ADA, List.of(new OrderItem("Rice", 3, new Money("JPY", 500, 0))), HOME),
                new NewOrder(ADA, List.of(new OrderItem("Dates", 7, new Money("KWD", 1, 234_000_000))), HOME),
                new NewOrder(ADA, List.of(new OrderItem("Index", 10_000, new Money("CLF", 0, 100_000))), HOME),
                new NewOrder(ADA, List.of(new OrderItem("Caviar", 10_000, eur(1_000_000_000, 990_000_000))), HOME));
        List<Money> totals = List.of(new Money("JPY", 1_500, 0), new Money("KWD", 8, 638_000_000),
                new Money("CLF", 1, 0), eur(10_000_000_009_900L, 0));

        for (int i = 0; i < orders.size(); i++) {
            Order created = repository.create(orders.get(i), totalOf(orders.get(i)), null);
            assertThat(created.total()).isEqualTo(totals.get(i));
            assertThat(created.items()).isEqualTo(orders.get(i).items());
            assertThat(repository.findById(created.id())).contains(created);
        }
    }

    @Test
    void create_takesTheLargestTotalOrderManagementAllows() {
        // 100 lines of 10000 at 1000000000.999 KWD: 1000000000999000000 fils, within a long.
        List<OrderItem> items = new ArrayList<>();
        for (int i = 0; i < OrderValidation.MAX_ITEMS; i++) {
            items.add(new OrderItem("Pearl " + i, OrderValidation.MAX_QUANTITY,
                    new Money("KWD", OrderValidation.MAX_UNIT_PRICE_UNITS, 999_000_000)));
        }
        NewOrder order = new NewOrder(ADA, items, HOME);

        Order created = repository.create(order, totalOf(order), null);

        assertThat(created.total()).isEqualTo(new Money("KWD", 1_000_000_000_999_000L, 0));
        assertThat(repository.findById(created.id())).contains(created);
    }

    @Test
    void aRetryWithTheSameRequestId_returnsTheOrderAsFirstStored_evenAfterItChanged() {
        Order first = create(groceries(ADA), KEY);
        clock.advance(Duration.ofSeconds(5));
        Order moved = repository.update(first.withAddress(WORK), OrderChange.ADDRESS_UPDATED);
        repository.update(moved.withStatus(OrderStatus.PREPARING), OrderChange.STATUS_CHANGED);

        Order retried = create(new NewOrder(GRACE, List.of(new OrderItem("Tea", 1, eur(2, 0))), WORK), KEY);

        assertThat(retried).isEqualTo(first);
        assertThat(repository.listAfter(null, 10)).extracting(Order::id).containsExactly(first.id());
        assertThat(create(groceries(ADA), UNKNOWN).id()).isNotEqualTo(first.id());
    }

    @Test
    void concurrentCreatesWithOneRequestId_yieldOneOrder() throws Exception {
        for (int round = 0; round < 3 * load(); round++) {
            String key = "0190b8d2-6f1e-7c3a-9d4b-" + String.format("%012x", round);

            List<Order> created = onAllThreads(() -> create(groceries(ADA), key));

            assertThat(Set.copyOf(created)).hasSize(1);
            assertThat(repository.listByUserAfter(ADA, null, 100)).extracting(Order::id)
                    .containsOnlyOnce(created.get(0).id());
        }
        assertThat(repository.listAfter(null, 100)).hasSize(3 * load());
    }

    @Test
    void aFullStore_registersNothingNewButStillAnswersRetries_andConcurrentCreatesStopAtTheLimit() throws Exception {
        OrderRepository small = newRepository(clock, 50);
        AtomicInteger next = new AtomicInteger();

        List<Integer> refused = onAllThreads(() -> {
            int full = 0;
            for (int i = 0; i < 20; i++) {
                String key = "0190b8d2-6f1e-7c3a-9d4b-" + String.format("%012x", next.getAndIncrement());
                try {
                    small.create(groceries(ADA), totalOf(groceries(ADA)), key);
                } catch (DomainException e) {
                    assertThat(e.reason()).isEqualTo("STORE_FULL");
                    full++;
                }
            }
            return full;
        });

        assertThat(refused.stream().mapToInt(Integer::intValue).sum()).isEqualTo(THREADS * 20 - 50);
        List<Order> stored = small.listAfter(null, 1_000);
        assertThat(stored).hasSize(50);
        DomainException full = catchThrowableOfType(DomainException.class,
                () -> small.create(groceries(GRACE), totalOf(groceries(GRACE)), null));
        assertThat(full.kind()).isEqualTo(DomainException.Kind.RESOURCE_EXHAUSTED);
        assertThat(full.reason()).isEqualTo("STORE_FULL");
        assertThat(full.metadata()).isEqualTo(Map.of("resource_type", "grocer.order.v1.Order", "max_stored", "50"));
        assertThat(full.getMessage()).isEqualTo("the store holds its maximum of 50 orders; nothing was created");
        assertThat(small.listByUserAfter(GRACE, null, 10)).isEmpty();
    }

    @Test
    void aFullStore_stillAnswersARetry_evenOneRacingTheCreateThatFilledIt() throws Exception {
        for (int round = 0; round < 3 * load(); round++) {
            OrderRepository one = newRepository(clock, 1);
            String key = "0190b8d2-6f1e-7c3a-9d4b-" + String.format("%012x", round);

            List<String> ids = onAllThreads(() -> one.create(groceries(ADA), totalOf(groceries(ADA)), key).id());

            assertThat(Set.copyOf(ids)).hasSize(1);
            assertThat(one.create(groceries(GRACE), totalOf(groceries(GRACE)), key).id()).isEqualTo(ids.get(0));
            assertThat(one.listAfter(null, 10)).extracting(Order::id).containsExactly(ids.get(0));
        }
    }

    @Test
    void update_writesTheAddressAndStatus_withANewVersionAndUpdateTime() {
        Order placed = create(ADA);
        clock.advance(Duration.ofSeconds(1));

        Order moved = repository.update(placed.withAddress(WORK), OrderChange.ADDRESS_UPDATED);
        clock.advance(Duration.ofSeconds(1));
        Order preparing = repository.update(moved.withStatus(OrderStatus.PREPARING), OrderChange.STATUS_CHANGED);

        assertThat(moved).isEqualTo(new Order(placed.id(), ADA, placed.items(), WORK, OrderStatus.PLACED,
                placed.total(), MutableClock.START, MutableClock.START.plusSeconds(1), moved.version()));
        assertThat(preparing).isEqualTo(new Order(placed.id(), ADA, placed.items(), WORK, OrderStatus.PREPARING,
                placed.total(), MutableClock.START, MutableClock.START.plusSeconds(2), preparing.version()));
        assertThat(moved.version()).isGreaterThan(placed.version());
        assertThat(preparing.version()).isGreaterThan(moved.version());
        assertThat(repository.findById(placed.id())).contains(preparing);
    }

    @Test
    void update_changesOnlyTheAddressAndStatus_ofWhatIsStored() {
        Order placed = create(ADA);
        Order tampered = new Order(placed.id(), GRACE, List.of(new OrderItem("Gold", 1, eur(999, 0))), WORK,
                OrderStatus.CANCELLED, eur(999, 0), MutableClock.START.minusSeconds(60), MutableClock.START,
                placed.version());

        Order stored = repository.update(tampered, OrderChange.STATUS_CHANGED);

        assertThat(stored).isEqualTo(new Order(placed.id(), ADA, placed.items(), WORK, OrderStatus.CANCELLED,
                placed.total(), MutableClock.START, MutableClock.START, stored.version()));
    }

    @Test
    void update_withAStaleVersion_isAbortedWithBothEtags_andChangesNothing() {
        Order placed = create(ADA);
        Order moved = repository.update(placed.withAddress(WORK), OrderChange.ADDRESS_UPDATED);

        DomainException stale = catchThrowableOfType(DomainException.class,
                () -> repository.update(placed.withStatus(OrderStatus.CANCELLED), OrderChange.CANCELLED));

        assertThat(stale.kind()).isEqualTo(DomainException.Kind.ABORTED);
        assertThat(stale.reason()).isEqualTo("ETAG_MISMATCH");
        assertThat(stale.metadata()).isEqualTo(Map.of("id", placed.id(), "sent_etag", placed.etag(),
                "current_etag", moved.etag()));
        assertThat(stale.resource()).isEqualTo(new DomainException.Resource("grocer.order.v1.Order", placed.id()));
        assertThat(stale.getMessage()).isEqualTo("order '" + placed.id() + "' was changed since etag '"
                + placed.etag() + "' was read; get it again and retry with the current etag");
        assertThat(repository.findById(placed.id())).contains(moved);
    }

    @Test
    void update_ofAnUnknownOrder_isNotFound() {
        Order placed = create(ADA);
        Order unknown = new Order(UNKNOWN, ADA, placed.items(), WORK, OrderStatus.PLACED, placed.total(),
                placed.createTime(), placed.updateTime(), placed.version());

        DomainException e = catchThrowableOfType(DomainException.class,
                () -> repository.update(unknown, OrderChange.STATUS_CHANGED));

        assertThat(e.kind()).isEqualTo(DomainException.Kind.NOT_FOUND);
        assertThat(e.reason()).isEqualTo("ORDER_NOT_FOUND");
        assertThat(e.metadata()).isEqualTo(Map.of("id", UNKNOWN));
        assertThat(repository.findById(UNKNOWN)).isEmpty();
        assertThat(repository.findById(placed.id())).contains(placed);
    }

    @Test
    void everyWrite_drawsAVersionAboveEveryEarlierOne_acrossOrders() {
        Order first = create(ADA);
        Order second = create(GRACE);
        Order firstMoved = repository.update(first.withAddress(WORK), OrderChange.ADDRESS_UPDATED);
        Order third = create(ADA);

        assertThat(List.of(first.version(), second.version(), firstMoved.version(), third.version())).isSorted()
                .doesNotHaveDuplicates();
    }

    @Test
    void concurrentUpdatesOfOneVersion_exactlyOneWins() throws Exception {
        for (int round = 0; round < 5 * load(); round++) {
            Order placed = create(ADA);

            List<String> outcomes = onAllThreads(() -> {
                Address mine = new Address("Street of " + Thread.currentThread().getName(), "1", "City", "1");
                try {
                    return repository.update(placed.withAddress(mine), OrderChange.ADDRESS_UPDATED).deliveryAddress()
                            .street();
                } catch (DomainException e) {
                    return e.reason();
                }
            });

            assertThat(outcomes).filteredOn("ETAG_MISMATCH"::equals).hasSize(THREADS - 1);
            String winner = outcomes.stream().filter(o -> !o.equals("ETAG_MISMATCH")).findFirst().orElseThrow();
            assertThat(repository.findById(placed.id()).orElseThrow().deliveryAddress().street()).isEqualTo(winner);
        }
    }

    @Test
    void concurrentCompareAndSetUpdates_loseNoWrite() throws Exception {
        Order counter = repository.create(new NewOrder(ADA, groceries(ADA).items(),
                new Address("Counter Street", "0", "City", "1")), totalOf(groceries(ADA)), null);
        int perThread = 25 * load();

        onAllThreads(() -> {
            for (int done = 0; done < perThread;) {
                Order current = repository.findById(counter.id()).orElseThrow();
                Address a = current.deliveryAddress();
                Address next = new Address(a.street(), Integer.toString(Integer.parseInt(a.number()) + 1), a.city(),
                        a.postalCode());
                try {
                    repository.update(current.withAddress(next), OrderChange.ADDRESS_UPDATED);
                    done++;
                } catch (DomainException e) {
                    assertThat(e.kind()).isEqualTo(DomainException.Kind.ABORTED); // written in between: read again
                }
            }
            return null;
        });

        assertThat(repository.findById(counter.id()).orElseThrow().deliveryAddress().number())
                .isEqualTo(Integer.toString(THREADS * perThread));
    }

    @Test
    void concurrentCreates_storeEveryOrderOnce_withIdsInCreationOrder() throws Exception {
        int perThread = 24 * load(); // even: half for each user

        List<List<String>> created = onAllThreads(() -> {
            List<String> mine = new ArrayList<>();
            for (int i = 0; i < perThread; i++) {
                mine.add(create(i % 2 == 0 ? ADA : GRACE).id());
            }
            return mine;
        });

        List<Order> all = repository.listAfter(null, Integer.MAX_VALUE);
        assertThat(all).hasSize(THREADS * perThread);
        assertThat(all).extracting(Order::id).doesNotHaveDuplicates().isSorted()
                .containsExactlyInAnyOrderElementsOf(created.stream().flatMap(List::stream).toList());
        assertThat(all).extracting(Order::version).doesNotHaveDuplicates();
        // Each thread's own orders come out in the order it made them: ids sort by creation.
        for (List<String> mine : created) {
            assertThat(mine).isSorted();
        }
        assertThat(repository.listByUserAfter(ADA, null, Integer.MAX_VALUE)).hasSize(THREADS * perThread / 2);
    }

    @Test
    void listingsWhileCreatesCommitOutOfIdOrder_holdEveryOrderCreatedBeforeThemExactlyOnce() throws Exception {
        AtomicInteger next = new AtomicInteger();
        // Now and then a create pauses between making its id and storing its record, as a slow commit would.
        clock.stallEvery(50, java.time.Duration.ofMillis(2));

        ListingsWhileCreating.Report report = new ListingsWhileCreating<>(() -> {
            int n = next.getAndIncrement();
            return create(groceries(n % 2 == 0 ? ADA : GRACE), n % 3 == 0 ? null : "key-" + n);
        }, Order::id, repository::listAfter).run(THREADS, 7, 5, 100_000 * load());

        assertThat(report.violations()).isEmpty();
        assertThat(report.outOfIdOrder()).as("creates proven to commit out of id order").isPositive();
        assertThat(report.listings()).isGreaterThanOrEqualTo(5);
        assertThat(repository.listAfter(null, Integer.MAX_VALUE)).hasSize(report.created());
    }

    @Test
    void listingsOfOneUserWhileCreatesCommitOutOfIdOrder_holdEveryOrderOfTheirsCreatedBeforeThemExactlyOnce()
            throws Exception {
        AtomicInteger next = new AtomicInteger();
        clock.stallEvery(50, java.time.Duration.ofMillis(2));

        // Grace's orders are created as often as Ada's, between them in id order; only Ada's are listed.
        ListingsWhileCreating.Report report = new ListingsWhileCreating<>(() -> {
            int n = next.getAndIncrement();
            create(GRACE);
            return create(groceries(ADA), n % 2 == 0 ? null : "key-" + n);
        }, Order::id, (after, max) -> repository.listByUserAfter(ADA, after, max))
                .run(THREADS, 7, 5, 50_000 * load());

        assertThat(report.violations()).isEmpty();
        assertThat(report.outOfIdOrder()).as("creates proven to commit out of id order").isPositive();
        assertThat(report.listings()).isGreaterThanOrEqualTo(5);
        assertThat(repository.listByUserAfter(ADA, null, Integer.MAX_VALUE)).hasSize(report.created());
    }

    @Test
    void idsSortByCreation_evenWhenTheClockStandsStill() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add(create(ADA).id());
        }

        assertThat(ids).isSorted().doesNotHaveDuplicates();
        assertThat(repository.listAfter(null, 100)).extracting(Order::id).containsExactlyElementsOf(ids);
    }

    @Test
    void listAfter_pagesEveryOrderInIdOrder() {
        assertThat(repository.listAfter(null, 3)).isEmpty();
        List<Order> created = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            created.add(create(i % 3 == 0 ? GRACE : ADA));
            clock.advance(Duration.ofMillis(1));
        }
        Order moved = repository.update(created.get(4).withAddress(WORK), OrderChange.ADDRESS_UPDATED);
        created.set(4, moved);

        List<Order> first = repository.listAfter(null, 3);
        List<Order> second = repository.listAfter(first.get(2).id(), 3);
        List<Order> last = repository.listAfter(second.get(2).id(), 3);

        assertThat(first).containsExactlyElementsOf(created.subList(0, 3));
        assertThat(second).containsExactlyElementsOf(created.subList(3, 6));
        assertThat(last).containsExactly(created.get(6));
        assertThat(repository.listAfter(created.get(6).id(), 3)).isEmpty();
        assertThat(repository.listAfter(null, 0)).isEmpty();
        assertThat(repository.listAfter(null, 100)).containsExactlyElementsOf(created);
    }

    @Test
    void listByUserAfter_pagesOneUsersOrders_fromAnyCursor() {
        List<Order> ada = new ArrayList<>();
        List<Order> grace = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            (i % 3 == 0 ? grace : ada).add(create(i % 3 == 0 ? GRACE : ADA));
        }

        List<Order> first = repository.listByUserAfter(ADA, null, 4);
        List<Order> rest = repository.listByUserAfter(ADA, first.get(3).id(), 4);

        assertThat(first).containsExactlyElementsOf(ada.subList(0, 4));
        assertThat(rest).containsExactlyElementsOf(ada.subList(4, 6));
        assertThat(repository.listByUserAfter(ADA, ada.get(5).id(), 4)).isEmpty();
        assertThat(repository.listByUserAfter(GRACE, null, 10)).containsExactlyElementsOf(grace);
        // A cursor is a position in id order: another user's order id works too.
        assertThat(repository.listByUserAfter(ADA, grace.get(1).id(), 10)).containsExactlyElementsOf(
                ada.stream().filter(o -> o.id().compareTo(grace.get(1).id()) > 0).toList());
        assertThat(repository.listByUserAfter(UNKNOWN, null, 10)).isEmpty();
        assertThat(repository.listByUserAfter(ADA, null, 0)).isEmpty();
    }
}
