package dev.grocer.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import com.google.type.Money;

import dev.grocer.order.v1.Address;
import dev.grocer.order.v1.CancelOrderRequest;
import dev.grocer.order.v1.GetOrderRequest;
import dev.grocer.order.v1.ListOrdersRequest;
import dev.grocer.order.v1.ListOrdersResponse;
import dev.grocer.order.v1.Order;
import dev.grocer.order.v1.OrderChange;
import dev.grocer.order.v1.OrderItem;
import dev.grocer.order.v1.OrderServiceGrpc;
import dev.grocer.order.v1.RegisterOrderRequest;
import dev.grocer.order.v1.UpdateOrderRequest;
import dev.grocer.order.v1.UpdateOrderResponse;
import dev.grocer.order.v1.WatchOrderRequest;
import dev.grocer.order.v1.WatchOrderResponse;
import dev.grocer.testing.RecordingObserver;
import dev.grocer.testing.RpcError;
import dev.grocer.testing.TestReplicas;
import dev.grocer.testing.TestServer;
import dev.grocer.user.ChatRoom;
import dev.grocer.user.v1.ChatStreamRequest;
import dev.grocer.user.v1.ChatStreamResponse;
import dev.grocer.user.v1.CreateUserRequest;
import dev.grocer.user.v1.GetUserRequest;
import dev.grocer.user.v1.ListUsersRequest;
import dev.grocer.user.v1.User;
import dev.grocer.user.v1.UserServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;

/**
 * The database goes away and comes back while two replicas take calls (docs/store.md, "Lost contact"): the
 * embedded PostgreSQL is stopped as an operator's restart stops it ({@code pg_ctl stop -m fast}) and started
 * again on the same data and port, with writers and readers calling both replicas all along. Neither replica
 * is restarted.
 *
 * <p>Every call has a deadline ({@link #CALL_DEADLINE}) far longer than a call may wait for a connection (1 s
 * here), so DEADLINE_EXCEEDED would mean a call hung on the dead database: it counts as a failure like any
 * status other than OK and UNAVAILABLE with STORE_UNAVAILABLE. A write that fails may still have committed
 * (its reply lost); the retry with its request id tells, and must answer what was stored.
 */
class DatabaseRestartTest {

    /** Longer than any call should take while the database is down: a connection is waited for 1 s. */
    private static final Duration CALL_DEADLINE = Duration.ofSeconds(10);
    private static final Duration RECOVERY = Duration.ofSeconds(30);
    private static final String OK = "OK";
    private static final String STORE_UNAVAILABLE = "UNAVAILABLE/STORE_UNAVAILABLE";

    private static final Logger log = LoggerFactory.getLogger(DatabaseRestartTest.class);

    private static TestReplicas replicas;
    private Load load;

    @BeforeAll
    static void start() {
        replicas = TestReplicas.start("restart", "--grocer.orders.fulfilment.enabled=false",
                "--spring.datasource.hikari.connection-timeout=1000", "--grocer.health.refresh-interval=200ms");
    }

    /** Stops the load if the test ended before it did, so that it does not go on calling in later tests. */
    @AfterEach
    void stopLoad() throws InterruptedException {
        if (load != null) {
            load.stop();
        }
    }

    @AfterAll
    static void stop() {
        if (replicas != null) {
            replicas.close();
        }
    }

    @Test
    void aPostgresRestartUnderLoad_failsCallsStoreUnavailable_endsStreamsThatMissedEvents_losesNoWrite()
            throws Exception {
        User buyer = users(0).createUser(CreateUserRequest.newBuilder().setUser(user("buyer")).build());
        Order watched = orders(0).registerOrder(RegisterOrderRequest.newBuilder().setOrder(order(buyer)).build());
        Order moving = orders(0).registerOrder(RegisterOrderRequest.newBuilder().setOrder(order(buyer)).build());
        load = new Load(buyer, watched, moving);
        load.start();
        await().atMost(RECOVERY).until(() -> load.okCalls() >= 50);

        // Streams open through the outage, one of each on each replica, and a participant who talks meanwhile.
        List<RecordingObserver<ChatStreamRequest, ChatStreamResponse>> chats = List.of(
                RecordingObserver.autoFlowControl(), RecordingObserver.autoFlowControl());
        List<RecordingObserver<WatchOrderRequest, WatchOrderResponse>> watches = List.of(
                RecordingObserver.autoFlowControl(), RecordingObserver.autoFlowControl());
        for (int replica = 0; replica < 2; replica++) {
            UserServiceGrpc.newStub(replicas.channel(replica)).chatStream(chats.get(replica));
            OrderServiceGrpc.newStub(replicas.channel(replica)).watchOrder(
                    WatchOrderRequest.newBuilder().setId(watched.getId()).build(), watches.get(replica));
        }
        RecordingObserver<ChatStreamRequest, ChatStreamResponse> talker = RecordingObserver.autoFlowControl();
        StreamObserver<ChatStreamRequest> talkerSays = UserServiceGrpc.newStub(replicas.channel(0)).chatStream(talker);
        await().atMost(RECOVERY).until(() -> room(0).size() == 2 && room(1).size() == 1
                && watches.get(0).values().size() == 1 && watches.get(1).values().size() == 1);

        replicas.postgres().stop();
        int failedBefore = load.failedCalls();
        await().atMost(RECOVERY).until(() -> readiness(0) == 503 && readiness(1) == 503
                && health(0) == ServingStatus.NOT_SERVING && health(1) == ServingStatus.NOT_SERVING);
        await().atMost(RECOVERY).until(() -> load.failedCalls() > failedBefore);
        // A message that cannot be sent ends its sender's stream, which leaves the room at once.
        talkerSays.onNext(ChatStreamRequest.newBuilder().setSender("Talker").setText("anyone there?").build());
        assertThat(RpcError.of(talker.awaitError())).isEqualTo(new RpcError(Status.Code.UNAVAILABLE,
                "the store is unavailable right now; retry later", RpcError.grocerInfo("STORE_UNAVAILABLE", Map.of()),
                null, null));
        await().atMost(RECOVERY).until(() -> room(0).size() == 1);
        replicas.postgres().startAgain();

        await().atMost(RECOVERY).until(() -> readiness(0) == 200 && readiness(1) == 200
                && health(0) == ServingStatus.SERVING && health(1) == ServingStatus.SERVING);
        load.awaitOkFromEveryWorker();
        load.stop();

        // Every call ended OK or UNAVAILABLE (STORE_UNAVAILABLE): nothing else, no deadline exceeded.
        log.info("Calls through the restart: {}", load.outcomes());
        assertThat(load.outcomes()).containsOnlyKeys(OK, STORE_UNAVAILABLE);

        // The streams open during the outage are told they may have missed something.
        for (int replica = 0; replica < 2; replica++) {
            assertThat(RpcError.of(chats.get(replica).awaitError())).isEqualTo(new RpcError(Status.Code.UNAVAILABLE,
                    "this server lost contact with the other replicas for a moment and may have missed messages;"
                            + " reconnect to continue chatting",
                    RpcError.grocerInfo("CHAT_MESSAGES_MISSED", Map.of()), null, null));
            assertThat(RpcError.of(watches.get(replica).awaitError())).isEqualTo(new RpcError(Status.Code.UNAVAILABLE,
                    "this server lost contact with the other replicas for a moment and may have missed changes;"
                            + " watch again to resume",
                    RpcError.grocerInfo("ORDER_EVENTS_MISSED", Map.of()), null, null));
        }
        assertThat(room(0).size()).isZero();
        assertThat(room(1).size()).isZero();

        // Writes that failed are retried with their request ids: each takes effect once, on either replica.
        Map<String, User> createdUsers = new TreeMap<>(load.createdUsers);
        Instant retriesBegin = Instant.now();
        int committedAnyway = 0;
        for (Map.Entry<String, CreateUserRequest> failed : load.failedUserCreates.entrySet()) {
            User retried = users(0).createUser(failed.getValue());
            assertThat(users(1).createUser(failed.getValue())).isEqualTo(retried);
            createdUsers.put(failed.getKey(), retried);
            committedAnyway += Instant.ofEpochSecond(retried.getCreateTime().getSeconds(),
                    retried.getCreateTime().getNanos()).isBefore(retriesBegin) ? 1 : 0;
        }
        log.info("{} CreateUser calls failed; {} of them had committed", load.failedUserCreates.size(),
                committedAnyway);
        Map<String, Order> registeredOrders = new TreeMap<>(load.registeredOrders);
        for (Map.Entry<String, RegisterOrderRequest> failed : load.failedOrderRegistrations.entrySet()) {
            Order retried = orders(1).registerOrder(failed.getValue());
            assertThat(orders(0).registerOrder(failed.getValue())).isEqualTo(retried);
            registeredOrders.put(failed.getKey(), retried);
        }

        // Nothing acknowledged is lost, nothing is there twice: read back through both replicas.
        for (int replica = 0; replica < 2; replica++) {
            for (User user : createdUsers.values()) {
                assertThat(users(replica).getUser(GetUserRequest.newBuilder().setId(user.getId()).build()))
                        .isEqualTo(user);
            }
            for (Order order : registeredOrders.values()) {
                assertThat(orders(replica).getOrder(GetOrderRequest.newBuilder().setId(order.getId()).build()))
                        .isEqualTo(order);
            }
        }
        assertThat(allUserIds()).containsExactlyInAnyOrderElementsOf(concat(buyer.getId(),
                createdUsers.values().stream().map(User::getId).toList()));
        assertThat(ordersOf(buyer)).containsExactlyInAnyOrderElementsOf(concat(List.of(watched.getId(), moving.getId()),
                registeredOrders.values().stream().map(Order::getId).toList()));

        // Listening again: a chat message and an order change made through one replica reach the other.
        RecordingObserver<ChatStreamRequest, ChatStreamResponse> cy = RecordingObserver.autoFlowControl();
        RecordingObserver<ChatStreamRequest, ChatStreamResponse> dee = RecordingObserver.autoFlowControl();
        StreamObserver<ChatStreamRequest> cySays = UserServiceGrpc.newStub(replicas.channel(0)).chatStream(cy);
        StreamObserver<ChatStreamRequest> deeSays = UserServiceGrpc.newStub(replicas.channel(1)).chatStream(dee);
        RecordingObserver<WatchOrderRequest, WatchOrderResponse> watch = RecordingObserver.autoFlowControl();
        OrderServiceGrpc.newStub(replicas.channel(1)).watchOrder(
                WatchOrderRequest.newBuilder().setId(watched.getId()).build(), watch);
        await().atMost(RECOVERY).until(() -> room(0).size() == 1 && room(1).size() == 1 && watch.values().size() == 1);
        cySays.onNext(ChatStreamRequest.newBuilder().setSender("Cy").setText("back").build());
        Order cancelled = orders(0).cancelOrder(CancelOrderRequest.newBuilder().setId(watched.getId()).build());

        await().atMost(RECOVERY).until(() -> dee.values().size() == 1 && cy.values().size() == 1);
        assertThat(dee.values()).isEqualTo(cy.values());
        assertThat(dee.values().get(0).getText()).isEqualTo("back");
        watch.awaitCompletion(RECOVERY);
        assertThat(watch.values()).extracting(WatchOrderResponse::getChange)
                .containsExactly(OrderChange.ORDER_CHANGE_CURRENT_STATE, OrderChange.ORDER_CHANGE_CANCELLED);
        assertThat(watch.values().get(1).getOrder()).isEqualTo(cancelled);
        cySays.onCompleted();
        deeSays.onCompleted();
    }

    /**
     * Writers and readers calling both replicas in turn, each on a thread of its own, until stopped: CreateUser
     * and RegisterOrder with request ids, UpdateOrder, GetUser, GetOrder and ListOrders. Every call's outcome
     * is counted as its code and ErrorInfo reason; writes are kept by request id, acknowledged or failed.
     */
    private static final class Load {

        private final User buyer;
        private final Order watched;
        private final Order moving;
        private final ExecutorService threads = Executors.newFixedThreadPool(WORKERS.size(), task -> {
            Thread thread = new Thread(task, "restart-load");
            thread.setDaemon(true);
            return thread;
        });
        private final AtomicBoolean stopping = new AtomicBoolean();
        private final Queue<String> outcomes = new ConcurrentLinkedQueue<>();
        private final AtomicInteger ok = new AtomicInteger();
        private final AtomicInteger failed = new AtomicInteger();
        /** Per worker: OK calls since the database came back (counted from when the test asks). */
        private final Map<String, AtomicInteger> okSince = new ConcurrentHashMap<>();
        private volatile boolean counting;
        final Map<String, User> createdUsers = new ConcurrentHashMap<>();
        final Map<String, CreateUserRequest> failedUserCreates = new ConcurrentHashMap<>();
        final Map<String, Order> registeredOrders = new ConcurrentHashMap<>();
        final Map<String, RegisterOrderRequest> failedOrderRegistrations = new ConcurrentHashMap<>();

        private static final List<String> WORKERS = List.of("createUser-1", "createUser-2", "registerOrder-1",
                "registerOrder-2", "updateOrder", "getUser", "getOrder", "listOrders");

        Load(User buyer, Order watched, Order moving) {
            this.buyer = buyer;
            this.watched = watched;
            this.moving = moving;
            WORKERS.forEach(w -> okSince.put(w, new AtomicInteger()));
        }

        void start() {
            for (String worker : WORKERS) {
                threads.submit(() -> {
                    for (int i = 0; !stopping.get(); i++) {
                        step(worker, i % 2);
                    }
                    return null;
                });
            }
        }

        private void step(String worker, int replica) {
            switch (worker.replaceAll("-\\d$", "")) {
                case "createUser" -> {
                    String requestId = UUID.randomUUID().toString();
                    CreateUserRequest request = CreateUserRequest.newBuilder().setRequestId(requestId)
                            .setUser(user(requestId)).build();
                    User created = call(worker, () -> users(replica).createUser(request));
                    if (created != null) {
                        createdUsers.put(requestId, created);
                    } else {
                        failedUserCreates.put(requestId, request);
                    }
                }
                case "registerOrder" -> {
                    String requestId = UUID.randomUUID().toString();
                    RegisterOrderRequest request = RegisterOrderRequest.newBuilder().setRequestId(requestId)
                            .setOrder(order(buyer)).build();
                    Order registered = call(worker, () -> orders(replica).registerOrder(request));
                    if (registered != null) {
                        registeredOrders.put(requestId, registered);
                    } else {
                        failedOrderRegistrations.put(requestId, request);
                    }
                }
                case "updateOrder" -> call(worker, () -> moveOnce(replica));
                case "getUser" -> call(worker,
                        () -> users(replica).getUser(GetUserRequest.newBuilder().setId(buyer.getId()).build()));
                case "getOrder" -> call(worker,
                        () -> orders(replica).getOrder(GetOrderRequest.newBuilder().setId(watched.getId()).build()));
                case "listOrders" -> call(worker, () -> orders(replica).listOrders(
                        ListOrdersRequest.newBuilder().setUserId(buyer.getId()).setPageSize(20).build()));
                default -> throw new IllegalArgumentException(worker);
            }
        }

        // One UpdateOrder stream with one move of the order that moves.
        private UpdateOrderResponse moveOnce(int replica) {
            CompletableFuture<UpdateOrderResponse> answer = new CompletableFuture<>();
            StreamObserver<UpdateOrderRequest> moves = OrderServiceGrpc.newStub(replicas.channel(replica))
                    .withDeadlineAfter(CALL_DEADLINE).updateOrder(new StreamObserver<>() {
                        @Override
                        public void onNext(UpdateOrderResponse value) {
                            answer.complete(value);
                        }

                        @Override
                        public void onError(Throwable t) {
                            answer.completeExceptionally(t);
                        }

                        @Override
                        public void onCompleted() {
                            answer.completeExceptionally(new AssertionError("UpdateOrder completed without an answer"));
                        }
                    });
            moves.onNext(UpdateOrderRequest.newBuilder().setOrderId(moving.getId())
                    .setDeliveryAddress(address(UUID.randomUUID().toString().substring(0, 8))).build());
            moves.onCompleted();
            try {
                return answer.get(CALL_DEADLINE.toSeconds() + 5, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof StatusRuntimeException status ? status : new IllegalStateException(e);
            } catch (InterruptedException | TimeoutException e) {
                throw new IllegalStateException(e);
            }
        }

        // Runs one call and counts how it ended; null when it failed.
        private <T> T call(String worker, Supplier<T> call) {
            try {
                T result = call.get();
                outcomes.add(OK);
                ok.incrementAndGet();
                if (counting) {
                    okSince.get(worker).incrementAndGet();
                }
                return result;
            } catch (StatusRuntimeException e) {
                outcomes.add(e.getStatus().getCode() + "/" + reason(e));
                failed.incrementAndGet();
                return null;
            } catch (RuntimeException e) {
                outcomes.add("not a gRPC status: " + e); // e.g. no answer to UpdateOrder in time
                failed.incrementAndGet();
                return null;
            }
        }

        int okCalls() {
            return ok.get();
        }

        int failedCalls() {
            return failed.get();
        }

        /** Waits until every worker has had a few calls answered OK from now on. */
        void awaitOkFromEveryWorker() {
            okSince.values().forEach(count -> count.set(0));
            counting = true;
            await().atMost(RECOVERY).until(() -> okSince.values().stream().allMatch(count -> count.get() >= 3));
        }

        void stop() throws InterruptedException {
            stopping.set(true);
            threads.shutdown();
            assertThat(threads.awaitTermination(RECOVERY.toSeconds(), TimeUnit.SECONDS)).isTrue();
        }

        /** How many calls ended how: "OK", or code/reason. */
        Map<String, Long> outcomes() {
            return outcomes.stream().collect(Collectors.groupingBy(o -> o, TreeMap::new, Collectors.counting()));
        }
    }

    private static String reason(StatusRuntimeException e) {
        com.google.rpc.Status status = StatusProto.fromThrowable(e);
        if (status == null) {
            return "(no details)";
        }
        for (Any detail : status.getDetailsList()) {
            if (detail.is(ErrorInfo.class)) {
                try {
                    return detail.unpack(ErrorInfo.class).getReason();
                } catch (InvalidProtocolBufferException bad) {
                    return "(undecodable ErrorInfo)";
                }
            }
        }
        return "(no ErrorInfo)";
    }

    private static Set<String> allUserIds() {
        Set<String> ids = new HashSet<>();
        List<String> listed = new ArrayList<>();
        UserServiceGrpc.newBlockingStub(replicas.channel(1)).withDeadlineAfter(CALL_DEADLINE)
                .listUsers(ListUsersRequest.getDefaultInstance())
                .forEachRemaining(response -> listed.add(response.getUser().getId()));
        ids.addAll(listed);
        assertThat(ids).as("no user listed twice").hasSameSizeAs(listed);
        return ids;
    }

    private static List<String> ordersOf(User buyer) {
        List<String> ids = new ArrayList<>();
        String token = "";
        do {
            ListOrdersResponse page = orders(0).listOrders(ListOrdersRequest.newBuilder().setUserId(buyer.getId())
                    .setPageSize(1000).setPageToken(token).build());
            page.getOrdersList().forEach(order -> ids.add(order.getId()));
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        return ids;
    }

    private static List<String> concat(String first, List<String> rest) {
        return concat(List.of(first), rest);
    }

    private static List<String> concat(List<String> first, List<String> rest) {
        List<String> all = new ArrayList<>(first);
        all.addAll(rest);
        return all;
    }

    private static User.Builder user(String key) {
        return User.newBuilder().setDisplayName("Restart " + key).setEmail(key + "@example.com");
    }

    private static Order order(User buyer) {
        return Order.newBuilder().setUserId(buyer.getId())
                .addItems(OrderItem.newBuilder().setProduct("Bread").setQuantity(1)
                        .setUnitPrice(Money.newBuilder().setCurrencyCode("EUR").setUnits(2).setNanos(500_000_000)))
                .setDeliveryAddress(address("Main Street")).build();
    }

    private static Address address(String street) {
        return Address.newBuilder().setStreet(street).setNumber("1").setCity("Springfield").setPostalCode("12345")
                .build();
    }

    private static UserServiceGrpc.UserServiceBlockingStub users(int replica) {
        return UserServiceGrpc.newBlockingStub(replicas.channel(replica)).withDeadlineAfter(CALL_DEADLINE);
    }

    private static OrderServiceGrpc.OrderServiceBlockingStub orders(int replica) {
        return OrderServiceGrpc.newBlockingStub(replicas.channel(replica)).withDeadlineAfter(CALL_DEADLINE);
    }

    private static ChatRoom room(int replica) {
        return replicas.server(replica).context().getBean(ChatRoom.class);
    }

    private static ServingStatus health(int replica) {
        return HealthGrpc.newBlockingStub(replicas.channel(replica)).withDeadlineAfter(Duration.ofSeconds(5))
                .check(HealthCheckRequest.getDefaultInstance()).getStatus();
    }

    private static int readiness(int replica) throws Exception {
        TestServer server = replicas.server(replica);
        return dev.grocer.testing.HttpApi.newClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.httpPort() + "/actuator/health/readiness"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
