package dev.grocer.stress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import com.google.protobuf.FieldMask;
import com.google.protobuf.Timestamp;
import com.google.type.Money;

import dev.grocer.order.OrderManagement;
import dev.grocer.order.v1.Address;
import dev.grocer.order.v1.CancelOrderRequest;
import dev.grocer.order.v1.ListOrdersRequest;
import dev.grocer.order.v1.ListOrdersResponse;
import dev.grocer.order.v1.Order;
import dev.grocer.order.v1.OrderItem;
import dev.grocer.order.v1.OrderServiceGrpc;
import dev.grocer.order.v1.OrderStatus;
import dev.grocer.order.v1.RegisterOrderRequest;
import dev.grocer.order.v1.WatchOrderRequest;
import dev.grocer.order.v1.WatchOrderResponse;
import dev.grocer.testing.Concurrently;
import dev.grocer.testing.RecordingObserver;
import dev.grocer.testing.RpcError;
import dev.grocer.user.ChatRoom;
import dev.grocer.user.NewUser;
import dev.grocer.user.UserManagement;
import dev.grocer.user.UserRepository;
import dev.grocer.user.v1.ChatStreamRequest;
import dev.grocer.user.v1.ChatStreamResponse;
import dev.grocer.user.v1.CreateUserRequest;
import dev.grocer.user.v1.DeleteUserRequest;
import dev.grocer.user.v1.GetUserRequest;
import dev.grocer.user.v1.ListUsersRequest;
import dev.grocer.user.v1.ListUsersResponse;
import dev.grocer.user.v1.UpdateUserRequest;
import dev.grocer.user.v1.User;
import dev.grocer.user.v1.UserServiceGrpc;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;

/**
 * Issue 7, "Load and faults": grocer in this JVM on a loopback port (real Netty transport and HTTP/2 flow
 * control), driven by many clients at once, by slow and vanishing clients, by cancellations and
 * deadlines. Each scenario runs for a bounded time (a few seconds at most) and asserts outcomes, never
 * timings. The restart under load is {@link RestartUnderLoadTest} (a server in a process of its own).
 */
@ExtendWith(OutputCaptureExtension.class)
class LoadAndFaultsTest {

    private static final Logger log = LoggerFactory.getLogger(LoadAndFaultsTest.class);
    // 2.5 s in the build; longer with -Dstress.duration=PT1M or the soak profile (docs/operations.md, "Load and faults").
    private static final Duration LOAD_DURATION = Duration.parse(System.getProperty("stress.duration", "PT2.5S"));
    private static final int CLIENTS = 16;

    private static LoopbackServer server;

    @BeforeAll
    static void startServer() {
        // Orders stay PLACED (no simulator), so the test alone decides their state.
        server = LoopbackServer.start("--grocer.orders.fulfilment.enabled=false", "--grocer.chat.outbox-capacity=16");
    }

    /** Awaits a condition that a client can see at once: polls every millisecond instead of every 100. */
    private static ConditionFactory soon() {
        return await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1));
    }

    @AfterAll
    static void stopServer() throws InterruptedException {
        server.close();
    }

    /** A fresh email domain: each test's users are told apart from every other test's by it. */
    private static String newDomain() {
        return "@t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12) + ".example.com";
    }

    /** Every user ListUsers streams whose email ends with {@code domain}. */
    private static List<User> listUsers(ManagedChannel channel, String domain) {
        List<User> listed = new ArrayList<>();
        UserServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                .listUsers(ListUsersRequest.getDefaultInstance()).forEachRemaining(response -> {
                    if (response.getUser().getEmail().toLowerCase(Locale.ROOT).endsWith(domain)) {
                        listed.add(response.getUser());
                    }
                });
        return listed;
    }

    private static CreateUserRequest createRequest(String name, String email) {
        return CreateUserRequest.newBuilder().setUser(User.newBuilder().setDisplayName(name).setEmail(email)).build();
    }

    private static RegisterOrderRequest orderFor(String userId) {
        return RegisterOrderRequest.newBuilder().setOrder(Order.newBuilder().setUserId(userId)
                .addItems(OrderItem.newBuilder().setProduct("Tea").setQuantity(2)
                        .setUnitPrice(Money.newBuilder().setCurrencyCode("EUR").setUnits(3)))
                .setDeliveryAddress(Address.newBuilder().setStreet("Main Street").setNumber("1")
                        .setCity("Springfield").setPostalCode("12345")))
                .build();
    }

    private static UserServiceGrpc.UserServiceBlockingStub users(ManagedChannel channel) {
        return UserServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    private static OrderServiceGrpc.OrderServiceBlockingStub orders(ManagedChannel channel) {
        return OrderServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    /** Outcomes of calls by "Rpc CODE", for the report; codes a scenario does not expect are kept apart. */
    private static final class Outcomes {
        private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
        private final ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();

        /** Runs {@code call}; returns its result, or null if it failed with one of {@code expected}. */
        <T> T call(String rpc, Supplier<T> call, Status.Code... expected) {
            try {
                T result = call.get();
                count(rpc, Status.Code.OK);
                return result;
            } catch (StatusRuntimeException e) {
                Status.Code code = e.getStatus().getCode();
                count(rpc, code);
                if (!List.of(expected).contains(code)) {
                    unexpected.add(rpc + " " + e.getStatus());
                }
                return null;
            }
        }

        private void count(String rpc, Status.Code code) {
            counts.computeIfAbsent(rpc + " " + code, k -> new LongAdder()).increment();
        }

        long total() {
            return counts.values().stream().mapToLong(LongAdder::sum).sum();
        }

        Map<String, Long> byKind() {
            Map<String, Long> sorted = new TreeMap<>();
            counts.forEach((kind, count) -> sorted.put(kind, count.sum()));
            return sorted;
        }
    }

    /** Runs {@code worker} on {@link #CLIENTS} threads, each with a connection of its own, for the load duration. */
    private static void runClients(Worker worker) throws Exception {
        List<ManagedChannel> channels = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            channels.add(server.newChannel());
        }
        AtomicInteger next = new AtomicInteger();
        Concurrently.onThreads(CLIENTS, () -> {
            int client = next.getAndIncrement();
            ManagedChannel channel = channels.get(client);
            ThreadLocalRandom random = ThreadLocalRandom.current();
            long until = System.nanoTime() + LOAD_DURATION.toNanos();
            for (int n = 0; System.nanoTime() < until; n++) {
                worker.step(client, n, channel, random);
            }
            return null;
        });
        for (ManagedChannel channel : channels) {
            channel.shutdown();
        }
    }

    /**
     * One of {@code ids}, or null while there is none: half the time one of the 8 newest, so that clients
     * often race for the same record.
     */
    private static String pick(List<String> ids, ThreadLocalRandom random) {
        synchronized (ids) {
            if (ids.isEmpty()) {
                return null;
            }
            int from = random.nextBoolean() ? Math.max(0, ids.size() - 8) : 0;
            return ids.get(from + random.nextInt(ids.size() - from));
        }
    }

    /** One step of one client's load: a call or two, its outcome recorded. */
    @FunctionalInterface
    private interface Worker {
        void step(int client, int n, ManagedChannel channel, ThreadLocalRandom random);
    }

    @Nested
    class Concurrency {

        /** What one user's acknowledged writes were: its create, its updates (by the etag each replaced), its delete. */
        private static final class History {
            User created;
            final List<Map.Entry<String, User>> updates = new ArrayList<>();
            String deletedEtag;
        }

        @Test
        void mixedUserWritesFrom16Clients_leaveExactlyWhatTheAcknowledgedWritesSay() throws Exception {
            String domain = newDomain();
            Map<String, History> histories = new ConcurrentHashMap<>();
            List<String> ids = new ArrayList<>(); // guarded by itself
            Outcomes outcomes = new Outcomes();

            runClients((client, n, channel, random) -> {
                int op = random.nextInt(10);
                String id = pick(ids, random);
                if (op < 3 || id == null) {
                    // A few shared addresses, in either case, make creates race for the same email.
                    String email = random.nextInt(4) == 0
                            ? (random.nextBoolean() ? "shared" : "SHARED") + random.nextInt(4) + domain
                            : "c" + client + "-" + n + domain;
                    User created = outcomes.call("CreateUser",
                            () -> users(channel).createUser(createRequest("C" + client + "-" + n, email)),
                            Status.Code.ALREADY_EXISTS);
                    if (created != null) {
                        History history = new History();
                        history.created = created;
                        histories.put(created.getId(), history);
                        synchronized (ids) {
                            ids.add(created.getId());
                        }
                    }
                } else if (op < 6) {
                    User current = outcomes.call("GetUser",
                            () -> users(channel).getUser(GetUserRequest.newBuilder().setId(id).build()),
                            Status.Code.NOT_FOUND);
                    if (current == null) {
                        return;
                    }
                    // Compare-and-set on the etag read: concurrent updates of one user must form one chain.
                    User.Builder change = current.toBuilder().setDisplayName("U" + client + "-" + n);
                    FieldMask.Builder mask = FieldMask.newBuilder().addPaths("display_name");
                    if (random.nextInt(4) == 0) {
                        change.setEmail(random.nextBoolean() ? "shared" + random.nextInt(4) + domain
                                : "u" + client + "-" + n + domain);
                        mask.addPaths("email");
                    }
                    User updated = outcomes.call("UpdateUser", () -> users(channel).updateUser(
                            UpdateUserRequest.newBuilder().setUser(change).setUpdateMask(mask).build()),
                            Status.Code.ABORTED, Status.Code.NOT_FOUND, Status.Code.ALREADY_EXISTS);
                    if (updated != null) {
                        History history = histories.get(id);
                        synchronized (history) {
                            history.updates.add(Map.entry(current.getEtag(), updated));
                        }
                    }
                } else if (op < 7) {
                    User current = outcomes.call("GetUser",
                            () -> users(channel).getUser(GetUserRequest.newBuilder().setId(id).build()),
                            Status.Code.NOT_FOUND);
                    if (current == null) {
                        return;
                    }
                    Object deleted = outcomes.call("DeleteUser", () -> users(channel).deleteUser(
                            DeleteUserRequest.newBuilder().setId(id).setEtag(current.getEtag()).build()),
                            Status.Code.ABORTED, Status.Code.NOT_FOUND);
                    if (deleted != null) {
                        History history = histories.get(id);
                        synchronized (history) {
                            assertThat(history.deletedEtag).as("a second acknowledged delete of " + id).isNull();
                            history.deletedEtag = current.getEtag();
                        }
                    }
                } else {
                    User read = outcomes.call("GetUser",
                            () -> users(channel).getUser(GetUserRequest.newBuilder().setId(id).build()),
                            Status.Code.NOT_FOUND);
                    if (read != null) {
                        assertThat(read.getId()).isEqualTo(id);
                    }
                }
            });

            log.info("Users under load: {} calls from {} clients in {}: {}", outcomes.total(), CLIENTS, LOAD_DURATION,
                    outcomes.byKind());
            assertThat(outcomes.unexpected).as("calls that failed with a code the scenario does not allow").isEmpty();
            List<User> listed = listUsers(server.newChannel(), domain);
            assertThat(listed).extracting(User::getId).doesNotHaveDuplicates();
            assertThat(listed).extracting(user -> user.getEmail().toLowerCase(Locale.ROOT)).doesNotHaveDuplicates();
            Map<String, User> byId = new HashMap<>();
            listed.forEach(user -> byId.put(user.getId(), user));
            assertThat(histories.keySet()).as("no phantom users").containsAll(byId.keySet());
            int updates = 0;
            for (Map.Entry<String, History> entry : histories.entrySet()) {
                String id = entry.getKey();
                History history = entry.getValue();
                // Each acknowledged update replaced a distinct etag (two from one etag would mean a lost update),
                // and following them from the create's etag visits every one: a single chain, no forks, no gaps.
                Map<String, User> byReplacedEtag = new HashMap<>();
                for (Map.Entry<String, User> update : history.updates) {
                    assertThat(byReplacedEtag.put(update.getKey(), update.getValue()))
                            .as("two acknowledged updates of %s replaced etag %s", id, update.getKey()).isNull();
                }
                User last = history.created;
                Set<String> etags = new HashSet<>(Set.of(last.getEtag()));
                while (byReplacedEtag.containsKey(last.getEtag())) {
                    last = byReplacedEtag.get(last.getEtag());
                    assertThat(etags.add(last.getEtag())).as("etag of %s changes on every update", id).isTrue();
                }
                assertThat(etags).as("every acknowledged update of %s is on its one chain", id)
                        .hasSize(history.updates.size() + 1);
                updates += history.updates.size();
                if (history.deletedEtag != null) {
                    assertThat(history.deletedEtag).as("%s was deleted at its last version", id).isEqualTo(last.getEtag());
                    assertThat(byId).as("acknowledged delete is not lost").doesNotContainKey(id);
                } else {
                    assertThat(byId.get(id)).as("stored %s is its last acknowledged write", id).isEqualTo(last);
                }
            }
            log.info("Users under load: {} created, {} updated, {} deleted, {} remain", histories.size(), updates,
                    histories.values().stream().filter(h -> h.deletedEtag != null).count(), listed.size());
            assertThat(histories).isNotEmpty();
        }

        @Test
        void ordersRegisteredAndCancelledBy16Clients_areAllStoredWithTheAcknowledgedStatus() throws Exception {
            String domain = newDomain();
            ManagedChannel setup = server.newChannel();
            List<String> buyers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                buyers.add(users(setup).createUser(createRequest("Buyer " + i, "buyer" + i + domain)).getId());
            }
            Map<String, Order> registered = new ConcurrentHashMap<>();
            Map<String, Order> cancelled = new ConcurrentHashMap<>();
            List<String> ids = new ArrayList<>(); // guarded by itself
            Outcomes outcomes = new Outcomes();

            runClients((client, n, channel, random) -> {
                String id = pick(ids, random);
                if (id == null || random.nextInt(3) == 0) {
                    Order order = outcomes.call("RegisterOrder", () -> orders(channel).registerOrder(
                            orderFor(buyers.get(random.nextInt(buyers.size()))).toBuilder()
                                    .setRequestId(UUID.randomUUID().toString()).build()));
                    if (order != null) {
                        registered.put(order.getId(), order);
                        synchronized (ids) {
                            ids.add(order.getId());
                        }
                    }
                } else {
                    // Clients race to cancel the same orders: exactly one may win each.
                    Order order = outcomes.call("CancelOrder",
                            () -> orders(channel).cancelOrder(CancelOrderRequest.newBuilder().setId(id).build()),
                            Status.Code.FAILED_PRECONDITION);
                    if (order != null) {
                        assertThat(cancelled.put(id, order)).as("a second acknowledged cancel of " + id).isNull();
                    }
                }
            });

            log.info("Orders under load: {} calls from {} clients in {}: {}", outcomes.total(), CLIENTS, LOAD_DURATION,
                    outcomes.byKind());
            assertThat(outcomes.unexpected).as("calls that failed with a code the scenario does not allow").isEmpty();
            Map<String, Order> stored = new HashMap<>();
            for (String buyer : buyers) {
                String token = "";
                do {
                    ListOrdersResponse page = orders(setup).listOrders(ListOrdersRequest.newBuilder()
                            .setUserId(buyer).setPageSize(1000).setPageToken(token).build());
                    page.getOrdersList().forEach(order -> assertThat(stored.put(order.getId(), order)).isNull());
                    token = page.getNextPageToken();
                } while (!token.isEmpty());
            }
            assertThat(stored.keySet()).as("every acknowledged order, and nothing else").isEqualTo(registered.keySet());
            stored.forEach((id, order) -> assertThat(order).isEqualTo(cancelled.getOrDefault(id, registered.get(id))));
            assertThat(stored.values()).filteredOn(order -> order.getStatus() == OrderStatus.ORDER_STATUS_CANCELLED)
                    .hasSize(cancelled.size());
        }
    }

    @Nested
    class Idempotency {

        private static final int ROUNDS = 20;
        private static final int CALLERS = 8;

        @Test
        void createUser_sameRequestIdFromEightClientsAtOnce_createsOneUserAndAnswersEveryoneWithIt() throws Exception {
            String domain = newDomain();
            List<ManagedChannel> channels = new ArrayList<>();
            for (int i = 0; i < CALLERS; i++) {
                channels.add(server.newChannel());
            }
            Set<String> created = new HashSet<>();
            for (int round = 0; round < ROUNDS; round++) {
                CreateUserRequest request = createRequest("Idem " + round, "idem" + round + domain).toBuilder()
                        .setRequestId(UUID.randomUUID().toString()).build();
                AtomicInteger caller = new AtomicInteger();
                List<String> ids = Concurrently.onThreads(CALLERS,
                        () -> users(channels.get(caller.getAndIncrement())).createUser(request).getId());
                assertThat(Set.copyOf(ids)).as("round %d: every caller got the same user", round).hasSize(1);
                created.add(ids.get(0));
            }

            assertThat(listUsers(channels.get(0), domain)).extracting(User::getId)
                    .containsExactlyInAnyOrderElementsOf(created).hasSize(ROUNDS);
        }

        @Test
        void registerOrder_sameRequestIdFromEightClientsAtOnce_registersOneOrderAndAnswersEveryoneWithIt()
                throws Exception {
            List<ManagedChannel> channels = new ArrayList<>();
            for (int i = 0; i < CALLERS; i++) {
                channels.add(server.newChannel());
            }
            String buyer = users(channels.get(0)).createUser(createRequest("Buyer", "buyer" + newDomain())).getId();
            Set<String> registered = new HashSet<>();
            for (int round = 0; round < ROUNDS; round++) {
                RegisterOrderRequest request = orderFor(buyer).toBuilder()
                        .setRequestId(UUID.randomUUID().toString()).build();
                AtomicInteger caller = new AtomicInteger();
                List<String> ids = Concurrently.onThreads(CALLERS,
                        () -> orders(channels.get(caller.getAndIncrement())).registerOrder(request).getId());
                assertThat(Set.copyOf(ids)).as("round %d: every caller got the same order", round).hasSize(1);
                registered.add(ids.get(0));
            }

            ListOrdersResponse stored = orders(channels.get(0)).listOrders(
                    ListOrdersRequest.newBuilder().setUserId(buyer).setPageSize(1000).build());
            assertThat(stored.getOrdersList()).extracting(Order::getId)
                    .containsExactlyInAnyOrderElementsOf(registered).hasSize(ROUNDS);
        }
    }

    /** Counts what a streaming call delivers without keeping it, and reads only what the test asks for. */
    private static final class CountingReader<ReqT, RespT> implements ClientResponseObserver<ReqT, RespT> {
        final AtomicLong received = new AtomicLong();
        volatile Status status;
        volatile ClientCallStreamObserver<ReqT> call;

        @Override
        public void beforeStart(ClientCallStreamObserver<ReqT> requestStream) {
            call = requestStream;
            requestStream.disableAutoRequestWithInitial(0);
        }

        @Override
        public void onNext(RespT value) {
            received.incrementAndGet();
        }

        @Override
        public void onError(Throwable t) {
            status = Status.fromThrowable(t);
        }

        @Override
        public void onCompleted() {
            status = Status.OK;
        }
    }

    /** Users in the store only for the slow-reader and deadline scenarios, deleted again after them. */
    @Nested
    class SlowReadersCancellationAndDeadlines {

        private static final int USERS = 100_000;
        private static final String RESET_STREAM_WARNING = "Stream closed before write could take place";
        // The reader's HTTP/2 window: grpc-java's default size, fixed so that auto-tuning cannot widen it.
        private static final int WINDOW = 1 << 20;

        private final String domain = newDomain();
        private final List<String> ids = new ArrayList<>();

        private void fillStore() {
            UserRepository repository = server.bean(UserRepository.class);
            for (int i = 0; i < USERS; i++) {
                ids.add(repository.create(new NewUser("Reader " + i, "reader" + i + domain), null).id());
            }
        }

        private void emptyStore() {
            UserRepository repository = server.bean(UserRepository.class);
            ids.forEach(id -> repository.delete(id, null));
            ids.clear();
        }

        /** Used heap after full collections: the smallest of a few readings, to damp what other threads allocate. */
        private static long usedHeap() {
            long least = Long.MAX_VALUE;
            for (int i = 0; i < 2; i++) {
                System.gc();
                least = Math.min(least, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
            }
            return least;
        }

        /** Waits until the store has stopped handing users to listings, and returns how many it has handed out. */
        private static long awaitListingsStopped() {
            long[] last = {-1};
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
                long now = server.usersListed();
                boolean still = now == last[0];
                last[0] = now;
                return still;
            });
            return last[0];
        }

        /**
         * What a server that does not wait for its reader would hold: the whole stream as messages. Built here
         * from the store's users the way ListUsers builds them, to size the bound below.
         */
        private long heapOfTheWholeStream() {
            long before = usedHeap();
            List<ListUsersResponse> everything = new ArrayList<>(USERS);
            for (dev.grocer.user.User user : server.bean(UserRepository.class).listAfter(null, Integer.MAX_VALUE)) {
                if (user.email().endsWith(domain)) {
                    everything.add(ListUsersResponse.newBuilder().setUser(User.newBuilder().setId(user.id())
                            .setDisplayName(user.displayName()).setEmail(user.email()).setEtag(user.etag())
                            .setCreateTime(ts(user.createTime())).setUpdateTime(ts(user.updateTime())))
                            .setPageToken(UserManagement.pageTokenAfter(user)).build());
                }
            }
            long size = usedHeap() - before;
            assertThat(everything).hasSize(USERS);
            return size;
        }

        private static Timestamp ts(java.time.Instant instant) {
            return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
        }

        @Test
        void slowReaderOf100kUsers_keepsServerHeapBounded_andItsCancelFreesTheCall(CapturedOutput output)
                throws Exception {
            fillStore();
            try {
                long wholeStream = heapOfTheWholeStream();
                ManagedChannel channel = server.newChannel(WINDOW);
                int callsBefore = server.inFlightCalls();
                long listedBefore = server.usersListed();
                long heapBefore = usedHeap();
                CountingReader<ListUsersRequest, ListUsersResponse> reader = new CountingReader<>();

                UserServiceGrpc.newStub(channel).listUsers(ListUsersRequest.getDefaultInstance(), reader);
                // Reads 5,000 messages, 250 at a time, pausing between, then stops reading altogether.
                for (int read = 250; read <= 5_000; read += 250) {
                    reader.call.request(250);
                    long target = read;
                    soon().until(() -> reader.received.get() >= target);
                    Thread.sleep(5);
                }
                long pulled = awaitListingsStopped() - listedBefore;
                long heapGrowth = usedHeap() - heapBefore;
                long received = reader.received.get();
                log.info("Slow reader: read {} of {} users; the server had taken {} from the store; server heap grew "
                        + "{} KiB while the whole stream as messages takes {} KiB", received, USERS, pulled,
                        heapGrowth / 1024, wholeStream / 1024);

                // Flow control bounds what the server runs ahead of its reader: the reader's 1 MiB HTTP/2 window
                // plus the 32 KiB the transport buffers before isReady() turns false, plus one 256-user chunk
                // from the store. ListUsers messages are about 200 bytes here, so that is some 6,000 users; the
                // bound leaves room for smaller messages and still fails a server that streams everything.
                assertThat(pulled - received).as("users taken from the store beyond what the client read")
                        .isLessThan(15_000);
                // Those bytes sit in the transport's buffers (off heap in Netty) and a chunk of users on heap: a
                // few MiB at most. Buffering the stream as messages would take the whole of wholeStream (tens of
                // MiB, measured above); a quarter of it leaves room for GC noise and still catches that.
                assertThat(heapGrowth).as("server heap growth while the reader stalls").isLessThan(wholeStream / 4);
                assertThat(reader.status).as("the stalled stream is still open").isNull();
                assertThat(server.inFlightCalls()).isEqualTo(callsBefore + 1);

                reader.call.cancel("the reader gives up", null);

                await().until(() -> server.inFlightCalls() == callsBefore);
                long listedAtCancel = server.usersListed();
                assertThat(awaitListingsStopped()).as("no reads from the store after the cancel")
                        .isEqualTo(listedAtCancel);
                assertThat(listedAtCancel - listedBefore).isLessThan(USERS);
                assertThat(reader.status.getCode()).isEqualTo(Status.Code.CANCELLED);
                // The cancel reset a stream with writes still queued: without ResetStreamLogFilter, Netty's
                // transport logged a WARN with a stack trace for it here, every time.
                assertThat(output.getAll()).doesNotContain(RESET_STREAM_WARNING);
            } finally {
                emptyStore();
            }
        }

        @Test
        void listUsersWithAShortDeadline_stopsReadingTheStoreWhenTheDeadlinePasses(CapturedOutput output)
                throws Exception {
            fillStore();
            try {
                ManagedChannel channel = server.newChannel(WINDOW);
                int callsBefore = server.inFlightCalls();
                long listedBefore = server.usersListed();
                CountingReader<ListUsersRequest, ListUsersResponse> reader = new CountingReader<>();

                UserServiceGrpc.newStub(channel).withDeadlineAfter(1, TimeUnit.SECONDS)
                        .listUsers(ListUsersRequest.getDefaultInstance(), reader);
                // A reader that keeps asking, slowly: the stream would go on, were it not for the deadline.
                while (reader.status == null) {
                    reader.call.request(20);
                    Thread.sleep(10);
                }

                assertThat(reader.status.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
                await().until(() -> server.inFlightCalls() == callsBefore);
                long listedAtEnd = server.usersListed();
                assertThat(awaitListingsStopped()).as("no reads from the store once the deadline passed")
                        .isEqualTo(listedAtEnd);
                assertThat(listedAtEnd - listedBefore).isLessThan(USERS);
                // The deadline reached the server as the call's gRPC Context deadline. grocer makes no
                // downstream calls today; a stub called from a service method inherits this Context, and so
                // this deadline, without any code of ours.
                Deadline seen = server.deadlineSeen("grocer.user.v1.UserService/ListUsers");
                assertThat(seen).isNotNull();
                assertThat(seen.isExpired()).isTrue();
                assertThat(output.getAll()).doesNotContain(RESET_STREAM_WARNING);
            } finally {
                emptyStore();
            }
        }
    }

    @Nested
    class Streams {

        @Test
        void watchOrder_cancelledOrDisconnected_removesTheWatcher() {
            OrderManagement orderManagement = server.bean(OrderManagement.class);
            int watchesBefore = orderManagement.watchCount();
            int callsBefore = server.inFlightCalls();
            ManagedChannel channel = server.newChannel();
            String buyer = users(channel).createUser(createRequest("Watcher", "watcher" + newDomain())).getId();
            Order order = orders(channel).registerOrder(orderFor(buyer));
            WatchOrderRequest watch = WatchOrderRequest.newBuilder().setId(order.getId()).build();
            RecordingObserver<WatchOrderRequest, WatchOrderResponse> cancelling = RecordingObserver.autoFlowControl();
            RecordingObserver<WatchOrderRequest, WatchOrderResponse> vanishing = RecordingObserver.autoFlowControl();
            ManagedChannel vanishingChannel = server.newChannel();
            OrderServiceGrpc.newStub(channel).watchOrder(watch, cancelling);
            OrderServiceGrpc.newStub(vanishingChannel).watchOrder(watch, vanishing);
            await().until(() -> cancelling.values().size() == 1 && vanishing.values().size() == 1);
            assertThat(orderManagement.watchCount()).isEqualTo(watchesBefore + 2);

            cancelling.cancel();
            vanishingChannel.shutdownNow(); // the connection goes away without a word

            await().until(() -> orderManagement.watchCount() == watchesBefore);
            await().until(() -> server.inFlightCalls() == callsBefore);
            // The order goes on without its watchers.
            assertThat(orders(channel).cancelOrder(CancelOrderRequest.newBuilder().setId(order.getId()).build())
                    .getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_CANCELLED);
        }

        @Test
        void chat_anAbruptDisconnectIsRemoved_andANonReaderIsCutOffWithoutStallingTheOthers() {
            ChatRoom room = server.bean(ChatRoom.class);
            int before = room.size();
            RecordingObserver<ChatStreamRequest, ChatStreamResponse> vanishing = RecordingObserver.autoFlowControl();
            RecordingObserver<ChatStreamRequest, ChatStreamResponse> talker = RecordingObserver.autoFlowControl();
            RecordingObserver<ChatStreamRequest, ChatStreamResponse> listener = RecordingObserver.autoFlowControl();
            RecordingObserver<ChatStreamRequest, ChatStreamResponse> deaf = RecordingObserver.manualFlowControl(0);
            ManagedChannel vanishingChannel = server.newChannel();
            UserServiceGrpc.newStub(vanishingChannel).chatStream(vanishing);
            StreamObserver<ChatStreamRequest> talks = UserServiceGrpc.newStub(server.newChannel()).chatStream(talker);
            UserServiceGrpc.newStub(server.newChannel()).chatStream(listener);
            // A 64 KiB window: the transport absorbs about 70 unread messages before the outbox (16) fills.
            UserServiceGrpc.newStub(server.newChannel(64 * 1024)).chatStream(deaf);
            await().until(() -> room.size() == before + 4);
            talks.onNext(say("hello"));
            await().until(() -> vanishing.values().size() == 1);

            vanishingChannel.shutdownNow();
            await().until(() -> room.size() == before + 3);
            int messages = 400; // about 370 KiB: far beyond what the deaf participant's window and outbox hold
            for (int i = 0; i < messages; i++) {
                talks.onNext(say(i + " " + "x".repeat(900)));
                if (i % 8 == 7) {
                    // A conversation, not a flood: a burst larger than a reader's outbox (16 here) plus what its
                    // transport buffers would cut off even a fast reader, by design.
                    int sent = i + 2;
                    soon().until(() -> talker.values().size() == sent && listener.values().size() == sent);
                }
            }

            await().until(() -> talker.values().size() == messages + 1 && listener.values().size() == messages + 1);
            await().until(() -> room.size() == before + 2);
            deaf.request(Integer.MAX_VALUE); // reads at last, to find the status behind what it was sent
            RpcError cutOff = RpcError.of(deaf.awaitError());
            assertThat(cutOff.code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(cutOff.errorInfo().getReason()).isEqualTo("CHAT_PARTICIPANT_TOO_SLOW");
            assertThat(deaf.values().size()).isLessThan(messages);
            assertThat(listener.values()).isEqualTo(talker.values());
            talks.onCompleted();
            talker.awaitCompletion();
            listener.cancel();
            await().until(() -> room.size() == before);
        }

        private static ChatStreamRequest say(String text) {
            return ChatStreamRequest.newBuilder().setSender("Talker").setText(text).build();
        }
    }
}
