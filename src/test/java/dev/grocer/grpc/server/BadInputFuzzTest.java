package dev.grocer.grpc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.TestContextManager;

import com.google.protobuf.Any;
import com.google.protobuf.FieldMask;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.rpc.ErrorInfo;

import dev.grocer.grpc.GrpcErrors;
import dev.grocer.greeter.ItemSnapshots;
import dev.grocer.greeter.v1.AddItemRequest;
import dev.grocer.greeter.v1.GetItemRequest;
import dev.grocer.greeter.v1.GreeterServiceGrpc;
import dev.grocer.greeter.v1.GreeterServiceGrpc.GreeterServiceBlockingStub;
import dev.grocer.greeter.v1.Item;
import dev.grocer.greeter.v1.ListItemsRequest;
import dev.grocer.greeter.v1.SayHelloRequest;
import dev.grocer.order.OrderRepository;
import dev.grocer.order.v1.Address;
import dev.grocer.order.v1.CancelOrderRequest;
import dev.grocer.order.v1.GetOrderRequest;
import dev.grocer.order.v1.ListOrdersRequest;
import dev.grocer.order.v1.Order;
import dev.grocer.order.v1.OrderItem;
import dev.grocer.order.v1.OrderServiceGrpc;
import dev.grocer.order.v1.OrderServiceGrpc.OrderServiceBlockingStub;
import dev.grocer.order.v1.RegisterOrderRequest;
import dev.grocer.order.v1.UpdateOrderRequest;
import dev.grocer.order.v1.WatchOrderRequest;
import dev.grocer.testing.GrpcInProcessTest;
import dev.grocer.testing.RawCall;
import dev.grocer.user.ChatRoom;
import dev.grocer.user.UserRepository;
import dev.grocer.user.v1.ChatStreamRequest;
import dev.grocer.user.v1.CreateUserRequest;
import dev.grocer.user.v1.DeleteUserRequest;
import dev.grocer.user.v1.GetUserRequest;
import dev.grocer.user.v1.ListUsersRequest;
import dev.grocer.user.v1.UpdateUserRequest;
import dev.grocer.user.v1.User;
import dev.grocer.user.v1.UserServiceGrpc;
import dev.grocer.user.v1.UserServiceGrpc.UserServiceBlockingStub;
import com.google.type.Money;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.protobuf.StatusProto;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * The bad-input suite: every RPC of UserService, OrderService and GreeterService gets {@value #TRIES}
 * generated calls of random and adversarial requests ({@link RequestFuzzer}), sent as raw bytes. Each
 * answer must be OK or a client-error code with a google.rpc.Status (ErrorInfo, domain grocer) in the
 * trailers, never UNKNOWN or INTERNAL; a rejected call must leave the users, orders and items exactly as
 * they were; the server must answer health checks after every property. jqwik prints the answers per
 * status code after each RPC's property ("status codes" statistics); they are also logged, at INFO.
 */
@GrpcInProcessTest
class BadInputFuzzTest {

    /** The tries per property: jqwik.tries.default in junit-platform.properties. */
    static final int TRIES = 1000;

    private static final Logger log = LoggerFactory.getLogger(BadInputFuzzTest.class);
    private static final Set<Status.Code> CLIENT_ERRORS = Set.of(Status.Code.INVALID_ARGUMENT, Status.Code.NOT_FOUND,
            Status.Code.ALREADY_EXISTS, Status.Code.FAILED_PRECONDITION, Status.Code.ABORTED, Status.Code.OUT_OF_RANGE,
            Status.Code.RESOURCE_EXHAUSTED, Status.Code.PERMISSION_DENIED, Status.Code.UNAUTHENTICATED);
    /** Answers per RPC and status code, over the whole run. */
    private static final Map<String, Map<Status.Code, Integer>> OUTCOMES = new TreeMap<>();

    private static ApplicationContext context;
    private static UserRepository userRepository;
    private static OrderRepository orderRepository;
    private static ChatRoom chatRoom;
    private static ManagedChannel channel;
    private static UserServiceBlockingStub users;
    private static OrderServiceBlockingStub orders;
    private static GreeterServiceBlockingStub greeter;

    private Fixtures fixtures;
    private String lastMethod;
    private RequestFuzzer fuzzer;

    /** Records each property creates afresh, so that requests can name things that exist. */
    private record Fixtures(User ada, User grace, Order placed, Order cancelled, Item apples, String itemsToken,
            List<String> ids, List<String> pageTokens) implements RequestFuzzer.Pools {}

    private static final Address HOME = Address.newBuilder()
            .setStreet("Main Street").setNumber("12B").setCity("Springfield").setPostalCode("SW1A 1AA").build();

    private Fixtures fixtures() {
        if (fixtures == null) {
            String tag = Long.toString(System.nanoTime(), 36);
            User ada = users.createUser(CreateUserRequest.newBuilder().setUser(
                    User.newBuilder().setDisplayName("Ada").setEmail("ada-" + tag + "@example.com")).build());
            User grace = users.createUser(CreateUserRequest.newBuilder().setUser(
                    User.newBuilder().setDisplayName("Grace").setEmail("grace-" + tag + "@example.com")).build());
            Order placed = orders.registerOrder(order(ada.getId()));
            Order cancelled = orders.cancelOrder(CancelOrderRequest.newBuilder()
                    .setId(orders.registerOrder(order(grace.getId())).getId()).build());
            Item apples = greeter.addItem(AddItemRequest.newBuilder()
                    .setItem(Item.newBuilder().setName("Apples").setQuantity(6)).build());
            greeter.addItem(AddItemRequest.newBuilder().setItem(Item.newBuilder().setName("Pears").setQuantity(2)).build());
            List<String> tokens = new ArrayList<>();
            tokens.add(users.listUsers(ListUsersRequest.newBuilder().setLimit(1).build()).next().getPageToken());
            tokens.add(orders.listOrders(ListOrdersRequest.newBuilder().setPageSize(1).build()).getNextPageToken());
            tokens.add(orders.listOrders(ListOrdersRequest.newBuilder().setPageSize(1).setUserId(ada.getId()).build())
                    .getNextPageToken());
            String itemsToken = greeter.listItems(ListItemsRequest.newBuilder().setPageSize(1).build())
                    .getNextPageToken();
            tokens.add(itemsToken);
            tokens.removeIf(String::isEmpty);
            fixtures = new Fixtures(ada, grace, placed, cancelled, apples, itemsToken,
                    List.of(ada.getId(), grace.getId(), placed.getId(), cancelled.getId(), apples.getId()),
                    List.copyOf(tokens));
            fuzzer = new RequestFuzzer(fixtures);
        }
        return fixtures;
    }

    private static RegisterOrderRequest order(String userId) {
        return RegisterOrderRequest.newBuilder().setOrder(Order.newBuilder()
                .setUserId(userId)
                .addItems(OrderItem.newBuilder().setProduct("Apple").setQuantity(2)
                        .setUnitPrice(Money.newBuilder().setCurrencyCode("EUR").setUnits(1).setNanos(250_000_000)))
                .setDeliveryAddress(HOME))
                .build();
    }

    /**
     * jqwik runs outside Spring's JUnit extension: this takes the application context from Spring's test
     * context cache, the one every {@code @GrpcInProcessTest} class shares, and calls it in process.
     */
    @BeforeContainer
    static void connect() {
        context = new TestContextManager(BadInputFuzzTest.class).getTestContext().getApplicationContext();
        userRepository = context.getBean(UserRepository.class);
        orderRepository = context.getBean(OrderRepository.class);
        chatRoom = context.getBean(ChatRoom.class);
        channel = InProcessChannelBuilder.forName(context.getEnvironment().getProperty("grpc.server.in-process-name"))
                .build();
        users = UserServiceGrpc.newBlockingStub(channel);
        orders = OrderServiceGrpc.newBlockingStub(channel);
        greeter = GreeterServiceGrpc.newBlockingStub(channel);
    }

    @BeforeProperty
    void freshFixtures() {
        assertThat(chatRoom.size()).isZero();
        fixtures = null;
        fixtures();
    }

    @AfterProperty
    void serverStillServes() {
        if (lastMethod != null) {
            Map<Status.Code, Integer> codes = OUTCOMES.get(lastMethod);
            log.info("bad-input fuzz: {} {} calls {}", lastMethod,
                    codes.values().stream().mapToInt(Integer::intValue).sum(), codes);
        }
        HealthCheckResponse health = HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance());
        assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        await().untilAsserted(() -> assertThat(chatRoom.size()).isZero());
    }

    @AfterContainer
    static void logCountsAndDisconnect() {
        if (channel != null) {
            channel.shutdownNow();
        }
        StringBuilder line = new StringBuilder("bad-input fuzz, all RPCs:");
        OUTCOMES.forEach((method, codes) -> line.append(' ').append(method).append('=')
                .append(codes.values().stream().mapToInt(Integer::intValue).sum()).append(codes));
        log.info("{}", line);
    }

    // --- UserService

    @Property
    void createUser(@ForAll("createUserRequests") List<byte[]> requests) {
        check(UserServiceGrpc.getCreateUserMethod(), requests);
    }

    @Provide
    Arbitrary<List<byte[]>> createUserRequests() {
        return unary(() -> CreateUserRequest.newBuilder().setUser(User.newBuilder()
                .setDisplayName("Alan").setEmail("alan@example.com")).build());
    }

    @Property
    void getUser(@ForAll("getUserRequests") List<byte[]> requests) {
        check(UserServiceGrpc.getGetUserMethod(), requests);
    }

    @Provide
    Arbitrary<List<byte[]>> getUserRequests() {
        return unary(() -> GetUserRequest.newBuilder().setId(fixtures().ada().getId()).build());
    }

    @Property
    void updateUser(@ForAll("updateUserRequests") List<byte[]> requests) {
        check(UserServiceGrpc.getUpdateUserMethod(), requests);
    }

    @Provide
    Arbitrary<List<byte[]>> updateUserRequests() {
        return unary(() -> UpdateUserRequest.newBuilder()
                .setUser(User.newBuilder().setId(fixtures().grace().getId()).setDisplayName("Grace Hopper"))
                .setUpdateMask(FieldMask.newBuilder().addPaths("display_name"))
                .build());
    }

    @Property
    void deleteUser(@ForAll("deleteUserRequests") List<byte[]> requests) {
        check(UserServiceGrpc.getDeleteUserMethod(), requests);
    }

    @Provide
    Arbitrary<List<byte[]>> deleteUserRequests() {
        return unary(() -> DeleteUserRequest.newBuilder().setId(fixtures().grace().getId())
                .setEtag(fixtures().grace().getEtag()).build());
    }

    @Property
    void listUsers(@ForAll("listUsersRequests") List<byte[]> requests) {
        check(UserServiceGrpc.getListUsersMethod(), requests);
    }

    @Provide
    Arbitrary<List<byte[]>> listUsersRequests() {
        return unary(() -> ListUsersRequest.newBuilder().setLimit(2).setPageToken(fixtures().pageTokens().get(0))
                .build());
    }

    @Property
    void createUsers(@ForAll("createUsersRequests") List<byte[]> requests) {
        check(UserServiceGrpc.getCreateUsersMethod(), requests);
    }

    @Provide
    Arbitrary<List<byte[]>> createUsersRequests() {
        return stream(() -> CreateUserRequest.newBuilder().setUser(User.newBuilder()
                .setDisplayName("Batch").setEmail("batch@example.com")).build());
    }

    @Property
    void chatStream(@ForAll("chatStreamRequests") List<byte[]> requests) {
        check(UserServiceGrpc.getChatStreamMethod(), requests);
    }

    @Provide
    Arbitrary<List<byte[]>> chatStreamRequests() {
        return stream(() -> ChatStreamRequest.newBuilder().setSender("Ada").setText("hello").build());
    }

    // --- OrderService

    @Property
    void registerOrder(@ForAll("registerOrderRequests") List<byte[]> requests) {
        check(OrderServiceGrpc.getRegisterOrderMethod(), requests);
    }

    @Provide
    Arbitrary<List<byte[]>> registerOrderRequests() {
        return unary(() -> order(fixtures().ada().getId()));
    }

    @Property
    void getOrder(@ForAll("getOrderRequests") List<byte[]> requests) {
        check(OrderServiceGrpc.getGetOrderMethod(), requests);
    }

    @Provide
    Arbitrary<List<byte[]>> getOrderRequests() {
        return unary(() -> GetOrderRequest.newBuilder().setId(fixtures().placed().getId()).build());
    }

    @Property
    void listOrders(@ForAll("listOrdersRequests") List<byte[]> requests) {
        check(OrderServiceGrpc.getListOrdersMethod(), requests);
    }

    @Provide
    Arbitrary<List<byte[]>> listOrdersRequests() {
        return unary(() -> ListOrdersRequest.newBuilder().setPageSize(2).setUserId(fixtures().ada().getId()).build());
    }

    @Property
    void updateOrder(@ForAll("updateOrderRequests") List<byte[]> requests) {
        check(OrderServiceGrpc.getUpdateOrderMethod(), requests);
    }

    @Provide
    Arbitrary<List<byte[]>> updateOrderRequests() {
        return stream(() -> UpdateOrderRequest.newBuilder().setOrderId(fixtures().placed().getId())
                .setDeliveryAddress(HOME).build());
    }

    @Property
    void cancelOrder(@ForAll("cancelOrderRequests") List<byte[]> requests) {
        check(OrderServiceGrpc.getCancelOrderMethod(), requests);
    }

    @Provide
    Arbitrary<List<byte[]>> cancelOrderRequests() {
        return unary(() -> CancelOrderRequest.newBuilder().setId(fixtures().placed().getId()).build());
    }

    @Property
    void watchOrder(@ForAll("watchOrderRequests") List<byte[]> requests) {
        check(OrderServiceGrpc.getWatchOrderMethod(), requests);
    }

    @Provide
    Arbitrary<List<byte[]>> watchOrderRequests() {
        return unary(() -> WatchOrderRequest.newBuilder().setId(fixtures().placed().getId()).build());
    }

    // --- GreeterService

    @Property
    void sayHello(@ForAll("sayHelloRequests") List<byte[]> requests) {
        check(GreeterServiceGrpc.getSayHelloMethod(), requests);
    }

    @Provide
    Arbitrary<List<byte[]>> sayHelloRequests() {
        return unary(() -> SayHelloRequest.newBuilder().setUserId(fixtures().ada().getId()).build());
    }

    @Property
    void addItem(@ForAll("addItemRequests") List<byte[]> requests) {
        check(GreeterServiceGrpc.getAddItemMethod(), requests);
    }

    @Provide
    Arbitrary<List<byte[]>> addItemRequests() {
        return unary(() -> AddItemRequest.newBuilder().setItem(Item.newBuilder().setName("Plums").setQuantity(3))
                .build());
    }

    @Property
    void getItem(@ForAll("getItemRequests") List<byte[]> requests) {
        check(GreeterServiceGrpc.getGetItemMethod(), requests);
    }

    @Provide
    Arbitrary<List<byte[]>> getItemRequests() {
        return unary(() -> GetItemRequest.newBuilder().setId(fixtures().apples().getId()).build());
    }

    @Property
    void listItems(@ForAll("listItemsRequests") List<byte[]> requests) {
        check(GreeterServiceGrpc.getListItemsMethod(), requests);
    }

    @Provide
    Arbitrary<List<byte[]>> listItemsRequests() {
        return unary(() -> ListItemsRequest.newBuilder().setPageSize(1).setPageToken(fixtures().itemsToken())
                .build());
    }

    // --- the checks

    private Arbitrary<List<byte[]>> unary(Supplier<? extends Message> template) {
        fixtures();
        return fuzzer.requests(template, false);
    }

    private Arbitrary<List<byte[]>> stream(Supplier<? extends Message> template) {
        fixtures();
        return fuzzer.requests(template, true);
    }

    /** Everything the services store, to compare before and after a call. */
    private record Snapshot(List<dev.grocer.user.User> users, List<dev.grocer.order.Order> orders, List<Object> items) {}

    private Snapshot snapshot() {
        List<dev.grocer.user.User> allUsers = new ArrayList<>();
        for (List<dev.grocer.user.User> page = userRepository.listAfter(null, 1000); !page.isEmpty();
                page = userRepository.listAfter(page.get(page.size() - 1).id(), 1000)) {
            allUsers.addAll(page);
        }
        List<dev.grocer.order.Order> allOrders = new ArrayList<>();
        for (List<dev.grocer.order.Order> page = orderRepository.listAfter(null, 1000); !page.isEmpty();
                page = orderRepository.listAfter(page.get(page.size() - 1).id(), 1000)) {
            allOrders.addAll(page);
        }
        return new Snapshot(allUsers, allOrders, ItemSnapshots.all(context));
    }

    private void check(MethodDescriptor<?, ?> method, List<byte[]> requests) {
        // A watch of an existing order stays open: the client ends it once the first event arrived.
        boolean endless = method.getType() == MethodDescriptor.MethodType.SERVER_STREAMING
                && method.equals(OrderServiceGrpc.getWatchOrderMethod());
        Snapshot before = snapshot();

        RawCall.Result result = RawCall.call(channel, method, requests, endless);

        Status.Code code = result.status().getCode();
        lastMethod = method.getBareMethodName();
        Statistics.label("status codes").collect(code.name()); // jqwik prints them after the property
        synchronized (OUTCOMES) {
            OUTCOMES.computeIfAbsent(method.getBareMethodName(), m -> new EnumMap<>(Status.Code.class))
                    .merge(code, 1, Integer::sum);
        }
        if (code == Status.Code.OK || code == Status.Code.CANCELLED && endless && !result.responses().isEmpty()) {
            return;
        }
        assertThat(CLIENT_ERRORS).as("%s answered %s", method.getFullMethodName(), result.status()).contains(code);
        com.google.rpc.Status rich = StatusProto.fromStatusAndTrailers(result.status(), result.trailers());
        assertThat(rich).as("google.rpc.Status details of %s", result.status()).isNotNull();
        ErrorInfo info = errorInfo(rich);
        assertThat(info.getDomain()).isEqualTo(GrpcErrors.DOMAIN);
        assertThat(info.getReason()).matches("[A-Z][A-Z0-9_]*");
        // UpdateOrder applies the updates before the first bad one, and says how many in the ErrorInfo
        // (updates_applied; for a message that does not parse, message_index).
        boolean earlierUpdatesApplied = method.equals(OrderServiceGrpc.getUpdateOrderMethod())
                && !info.getMetadataOrDefault("updates_applied", info.getMetadataOrDefault("message_index", "0"))
                        .equals("0");
        if (!earlierUpdatesApplied) {
            assertThat(snapshot()).as("the store after %s was rejected", method.getBareMethodName()).isEqualTo(before);
        }
    }

    private static ErrorInfo errorInfo(com.google.rpc.Status rich) {
        try {
            for (Any detail : rich.getDetailsList()) {
                if (detail.is(ErrorInfo.class)) {
                    return detail.unpack(ErrorInfo.class);
                }
            }
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("no ErrorInfo in " + rich);
    }
}
