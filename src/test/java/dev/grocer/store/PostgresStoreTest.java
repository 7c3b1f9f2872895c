package dev.grocer.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.simple.JdbcClient;

import com.google.type.Money;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import dev.grocer.GrocerApplication;
import dev.grocer.greeter.v1.AddItemRequest;
import dev.grocer.greeter.v1.GetItemRequest;
import dev.grocer.greeter.v1.GreeterServiceGrpc;
import dev.grocer.greeter.v1.Item;
import dev.grocer.greeter.v1.ListItemsRequest;
import dev.grocer.greeter.v1.ListItemsResponse;
import dev.grocer.order.OrderRepository;
import dev.grocer.order.v1.Address;
import dev.grocer.order.v1.GetOrderRequest;
import dev.grocer.order.v1.ListOrdersRequest;
import dev.grocer.order.v1.ListOrdersResponse;
import dev.grocer.order.v1.Order;
import dev.grocer.order.v1.OrderItem;
import dev.grocer.order.v1.OrderServiceGrpc;
import dev.grocer.order.v1.OrderStatus;
import dev.grocer.order.v1.RegisterOrderRequest;
import dev.grocer.testing.LogLines;
import dev.grocer.testing.TestPostgres;
import dev.grocer.testing.TestServer;
import dev.grocer.user.UserRepository;
import dev.grocer.user.v1.CreateUserRequest;
import dev.grocer.user.v1.GetUserRequest;
import dev.grocer.user.v1.User;
import dev.grocer.user.v1.UserServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;

/**
 * The whole application with {@code --grocer.store=postgres} against a real (embedded) PostgreSQL: Flyway
 * migrates an empty database at start-up, users, orders and greeter items go through the real gRPC stubs into
 * the database and back, and the readiness probe includes the database.
 */
@ExtendWith(OutputCaptureExtension.class)
class PostgresStoreTest {

    private static TestPostgres postgres;
    private static String url;
    private static TestServer server;
    private static String startOutput;

    @BeforeAll
    static void start(CapturedOutput output) {
        postgres = TestPostgres.start();
        url = postgres.createDatabase("grocer");
        int before = output.getAll().length();
        // Fulfilment off: orders stay PLACED, so what GetOrder reads back can be compared exactly.
        server = TestServer.start("--grocer.store=postgres", "--spring.datasource.url=" + url,
                "--spring.datasource.username=" + postgres.username(), "--grocer.orders.fulfilment.enabled=false");
        startOutput = output.getAll().substring(before);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        postgres.close();
    }

    @Test
    void start_migratesTheSchema_andLogsNoWarningAndNoStackTrace() {
        assertThat(startOutput).contains("Successfully applied 4 migrations");
        assertThat(LogLines.warningsAndStackTraces(startOutput)).isEmpty();
    }

    @Test
    void aUserCreatedThroughGrpc_isStoredInPostgresAndReadBack() {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext()
                .build();
        try {
            UserServiceGrpc.UserServiceBlockingStub users = UserServiceGrpc.newBlockingStub(channel);

            User created = users.createUser(CreateUserRequest.newBuilder()
                    .setUser(User.newBuilder().setDisplayName("Ada Lovelace").setEmail("ada@example.com"))
                    .setRequestId("0190b8d2-6f1e-7c3a-9d4b-2f6c1e8a5b7d").build());
            User read = users.getUser(GetUserRequest.newBuilder().setId(created.getId()).build());

            assertThat(read).isEqualTo(created);
            assertThat(created.getDisplayName()).isEqualTo("Ada Lovelace");
            JdbcClient database = JdbcClient.create(server.context().getBean(javax.sql.DataSource.class));
            assertThat(database.sql("SELECT email FROM users WHERE id = ?").param(created.getId())
                    .query(String.class).single()).isEqualTo("ada@example.com");
            assertThat(org.springframework.aop.support.AopUtils.getTargetClass(
                    server.context().getBean(UserRepository.class)).getSimpleName())
                    .isEqualTo("JdbcUserRepository");
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void anOrderRegisteredThroughGrpc_isStoredInPostgres_readBackAndListed() {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext()
                .build();
        try {
            UserServiceGrpc.UserServiceBlockingStub users = UserServiceGrpc.newBlockingStub(channel);
            OrderServiceGrpc.OrderServiceBlockingStub orders = OrderServiceGrpc.newBlockingStub(channel);
            User buyer = users.createUser(CreateUserRequest.newBuilder()
                    .setUser(User.newBuilder().setDisplayName("Grace Hopper").setEmail("grace@example.com")).build());
            RegisterOrderRequest request = RegisterOrderRequest.newBuilder().setOrder(Order.newBuilder()
                    .setUserId(buyer.getId())
                    .addItems(OrderItem.newBuilder().setProduct("Apple").setQuantity(2).setUnitPrice(eur(1, 250_000_000)))
                    .addItems(OrderItem.newBuilder().setProduct("Bread").setQuantity(1).setUnitPrice(eur(3, 100_000_000)))
                    .setDeliveryAddress(Address.newBuilder().setStreet("Main Street").setNumber("12B")
                            .setCity("Springfield").setPostalCode("SW1A 1AA")))
                    .setRequestId("0190b8d2-6f1e-7c3a-9d4b-2f6c1e8a5b7e").build();
            Instant before = Instant.now();

            Order registered = orders.registerOrder(request);
            Order read = orders.getOrder(GetOrderRequest.newBuilder().setId(registered.getId()).build());
            Order retried = orders.registerOrder(request);
            ListOrdersResponse listed = orders.listOrders(ListOrdersRequest.newBuilder().setUserId(buyer.getId()).build());

            assertThat(registered).isEqualTo(request.getOrder().toBuilder()
                    .setId(registered.getId())
                    .setStatus(OrderStatus.ORDER_STATUS_PLACED)
                    .setTotal(eur(5, 600_000_000))
                    .setCreateTime(registered.getCreateTime())
                    .setUpdateTime(registered.getCreateTime())
                    .setEtag(registered.getEtag())
                    .build());
            assertThat(Instant.ofEpochSecond(registered.getCreateTime().getSeconds(),
                    registered.getCreateTime().getNanos())).isBetween(before.minusMillis(1), Instant.now());
            assertThat(read).isEqualTo(registered);
            assertThat(retried).isEqualTo(registered);
            assertThat(listed).isEqualTo(ListOrdersResponse.newBuilder().addOrders(registered).build());
            assertThat(orders.listOrders(ListOrdersRequest.getDefaultInstance()).getOrdersList()).contains(registered);
            JdbcClient database = JdbcClient.create(server.context().getBean(javax.sql.DataSource.class));
            assertThat(database.sql("SELECT user_id, status, currency_code, total_minor FROM orders WHERE id = ?")
                    .param(registered.getId()).query().singleRow()).isEqualTo(Map.of("user_id", buyer.getId(),
                            "status", "PLACED", "currency_code", "EUR", "total_minor", 560L));
            assertThat(database.sql("SELECT unit_price_minor FROM order_items WHERE order_id = ? ORDER BY position")
                    .param(registered.getId()).query(Long.class).list()).containsExactly(125L, 310L);
            assertThat(org.springframework.aop.support.AopUtils.getTargetClass(
                    server.context().getBean(OrderRepository.class)).getSimpleName())
                    .isEqualTo("JdbcOrderRepository");
        } finally {
            channel.shutdownNow();
        }
    }

    private static Money eur(long units, int nanos) {
        return Money.newBuilder().setCurrencyCode("EUR").setUnits(units).setNanos(nanos).build();
    }

    @Test
    void anItemAddedThroughGreeterService_isStoredInPostgres_readBackAndListed() {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext()
                .build();
        try {
            GreeterServiceGrpc.GreeterServiceBlockingStub greeter = GreeterServiceGrpc.newBlockingStub(channel);
            String requestId = "0190b8d2-6f1e-7c3a-9d4b-2f6c1e8a5b7d";
            AddItemRequest addApples = AddItemRequest.newBuilder()
                    .setItem(Item.newBuilder().setName("  Apples ").setQuantity(6)).setRequestId(requestId).build();

            Item apples = greeter.addItem(addApples);
            Item retried = greeter.addItem(addApples);
            Item read = greeter.getItem(GetItemRequest.newBuilder().setId(apples.getId()).build());

            assertThat(apples).isEqualTo(Item.newBuilder().setId(apples.getId()).setName("Apples").setQuantity(6)
                    .setCreateTime(apples.getCreateTime()).setUpdateTime(apples.getCreateTime())
                    .setEtag(apples.getEtag()).build());
            assertThat(apples.getEtag()).isNotEmpty();
            assertThat(retried).isEqualTo(apples);
            assertThat(read).isEqualTo(apples);

            // Only this test adds items, so the store holds exactly these, in the order they were added.
            Item pears = greeter.addItem(AddItemRequest.newBuilder()
                    .setItem(Item.newBuilder().setName("Pears").setQuantity(2)).build());
            Item plums = greeter.addItem(AddItemRequest.newBuilder()
                    .setItem(Item.newBuilder().setName("Plums").setQuantity(12)).build());
            ListItemsResponse first = greeter.listItems(ListItemsRequest.newBuilder().setPageSize(2).build());
            ListItemsResponse second = greeter.listItems(ListItemsRequest.newBuilder().setPageSize(2)
                    .setPageToken(first.getNextPageToken()).build());

            assertThat(first.getItemsList()).containsExactly(apples, pears);
            assertThat(first.getNextPageToken()).isNotEmpty();
            assertThat(second).isEqualTo(ListItemsResponse.newBuilder().addItems(plums).build());

            JdbcClient database = JdbcClient.create(server.context().getBean(javax.sql.DataSource.class));
            assertThat(database.sql("SELECT id, name, quantity FROM items ORDER BY id").query().listOfRows())
                    .isEqualTo(List.of(
                            Map.of("id", apples.getId(), "name", "Apples", "quantity", 6),
                            Map.of("id", pears.getId(), "name", "Pears", "quantity", 2),
                            Map.of("id", plums.getId(), "name", "Plums", "quantity", 12)));
            Instant stored = database.sql("SELECT create_time FROM items WHERE id = ?").param(apples.getId())
                    .query(OffsetDateTime.class).single().toInstant();
            assertThat(stored).isEqualTo(Instant.ofEpochSecond(apples.getCreateTime().getSeconds(),
                    apples.getCreateTime().getNanos()));
            assertThat(database.sql("SELECT item_id FROM item_requests WHERE request_id = ?").param(requestId)
                    .query(String.class).list()).containsExactly(apples.getId());
            assertThat(database.sql("SELECT sum(stored) FROM store_quota WHERE resource = 'items'").query(Long.class).single()).isEqualTo(3L);
            assertThat(beanClassNames()).contains("JdbcItemRepository").doesNotContain("InMemoryItemRepository");
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void readiness_includesTheDatabase_andServiceMethodsLeaveTheEventLoop() throws Exception {
        HttpResponse<String> response = dev.grocer.testing.HttpApi.newClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.httpPort() + "/actuator/health/readiness")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode readiness = new ObjectMapper().readTree(response.body());
        assertThat(readiness.path("status").asText()).isEqualTo("UP");
        assertThat(readiness.path("components").path("db").path("status").asText()).isEqualTo("UP");
        JsonNode replicaEvents = readiness.path("components").path("replicaEvents");
        assertThat(replicaEvents.path("status").asText()).isEqualTo("UP");
        assertThat(replicaEvents.path("details").path("channels")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("grocer_chat", "grocer_orders");
        assertThat(readiness.path("components").path("db").path("details").path("database").asText())
                .isEqualTo("PostgreSQL");
        assertThat(server.context().getEnvironment().getProperty("grocer.grpc.direct-executor")).isEqualTo("false");
        assertThat(server.context().containsBean("directExecutor")).isFalse();
    }

    @Test
    void theDirectExecutorWithPostgres_failsAtStartUpWithAClearMessage() {
        assertThatThrownBy(() -> new org.springframework.boot.builder.SpringApplicationBuilder(GrocerApplication.class)
                .run("--grocer.store=postgres", "--grocer.grpc.direct-executor=true",
                        "--spring.datasource.url=" + url, "--grpc.server.port=0",
                        "--grpc.server.address=127.0.0.1", "--server.port=0", "--server.address=127.0.0.1"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("grocer.grpc.direct-executor=true cannot be used with grocer.store=postgres");
    }

    /** The simple class names of the application's beans (the repositories are package-private in their features). */
    private static List<String> beanClassNames() {
        return java.util.Arrays.stream(server.context().getBeanDefinitionNames())
                .map(name -> server.context().getType(name))
                .filter(java.util.Objects::nonNull)
                .map(type -> org.springframework.util.ClassUtils.getUserClass(type).getSimpleName())
                .toList();
    }
}
