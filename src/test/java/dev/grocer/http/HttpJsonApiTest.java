package dev.grocer.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.google.protobuf.Empty;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;

import dev.grocer.greeter.v1.GetItemRequest;
import dev.grocer.greeter.v1.GreeterServiceGrpc;
import dev.grocer.greeter.v1.Item;
import dev.grocer.greeter.v1.ListItemsResponse;
import dev.grocer.greeter.v1.SayHelloResponse;
import dev.grocer.order.v1.GetOrderRequest;
import dev.grocer.order.v1.ListOrdersResponse;
import dev.grocer.order.v1.Order;
import dev.grocer.order.v1.OrderChange;
import dev.grocer.order.v1.OrderServiceGrpc;
import dev.grocer.order.v1.OrderStatus;
import dev.grocer.order.v1.WatchOrderResponse;
import dev.grocer.testing.HttpApi;
import dev.grocer.testing.HttpApi.Event;
import dev.grocer.testing.HttpApi.Reply;
import dev.grocer.testing.RpcError;
import dev.grocer.testing.TestServer;
import dev.grocer.user.v1.CreateUserRequest;
import dev.grocer.user.v1.GetUserRequest;
import dev.grocer.user.v1.ListUsersResponse;
import dev.grocer.user.v1.User;
import dev.grocer.user.v1.UserServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;

/**
 * Every RPC that has a {@code google.api.http} rule, called over HTTP/JSON on a real server with the JDK's HTTP
 * client: its route, its body and parameters, its reply read back into the contract's message and compared with
 * what gRPC returns for the same resource, its errors as the HTTP status of their code with the same
 * {@code google.rpc.Status} a gRPC client gets, and the server streams as Server-Sent Events.
 */
class HttpJsonApiTest {

    private static final String ADDRESS = "{\"street\":\"Main St\",\"number\":\"1\",\"city\":\"Utrecht\","
            + "\"postalCode\":\"1234 AB\"}";

    private static TestServer server;
    private static ManagedChannel channel;
    private static HttpApi http;

    @BeforeAll
    static void start() {
        // Slow enough that an order registered and cancelled at once is still PLACED, fast enough to watch it end.
        server = TestServer.start("--grocer.orders.fulfilment.step-delay=500ms");
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
        http = new HttpApi(server.httpPort());
    }

    @AfterAll
    static void stop() {
        channel.shutdownNow();
        server.close();
    }

    private static UserServiceGrpc.UserServiceBlockingStub users() {
        return UserServiceGrpc.newBlockingStub(channel);
    }

    private static User createUser(String name) {
        Reply reply = http.post("/v1/users", "{\"displayName\":\"" + name + "\",\"email\":\"" + name.toLowerCase()
                + "-" + UUID.randomUUID() + "@example.com\"}");
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.as(User.getDefaultInstance());
    }

    private static String order(String userId) {
        return "{\"userId\":\"" + userId + "\",\"items\":[{\"product\":\"apples\",\"quantity\":2,"
                + "\"unitPrice\":{\"currencyCode\":\"EUR\",\"units\":\"1\",\"nanos\":500000000}}],"
                + "\"deliveryAddress\":" + ADDRESS + "}";
    }

    @Test
    void createUserReturnsTheUserGrpcThenReads() {
        Reply reply = http.post("/v1/users", "{\"displayName\":\"Ada Lovelace\",\"email\":\"ada-create@example.com\"}");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("content-type")).isEqualTo("application/json");
        User created = reply.as(User.getDefaultInstance());
        assertThat(created.getDisplayName()).isEqualTo("Ada Lovelace");
        assertThat(created.getEmail()).isEqualTo("ada-create@example.com");
        assertThat(created.getEtag()).isNotEmpty();
        assertThat(users().getUser(GetUserRequest.newBuilder().setId(created.getId()).build())).isEqualTo(created);
        // proto3 JSON: lowerCamelCase names, RFC 3339 times.
        assertThat(reply.body()).startsWith("{\"id\":\"" + created.getId() + "\",\"displayName\":\"Ada Lovelace\","
                + "\"email\":\"ada-create@example.com\",\"createTime\":\"");
    }

    @Test
    void createUserWithARequestIdIsIdempotentAsOverGrpc() {
        String body = "{\"displayName\":\"Once\",\"email\":\"once@example.com\"}";
        String requestId = UUID.randomUUID().toString();

        User first = http.post("/v1/users?requestId=" + requestId, body).as(User.getDefaultInstance());
        User again = http.post("/v1/users?request_id=" + requestId, body).as(User.getDefaultInstance());

        assertThat(again).isEqualTo(first);
        RpcError taken = http.post("/v1/users", body).error();
        assertThat(taken.code()).isEqualTo(io.grpc.Status.Code.ALREADY_EXISTS);
    }

    @Test
    void getUserIsTheGrpcUserAndAnUnknownOneIs404WithTheGrpcError() {
        User user = createUser("Grace");

        Reply found = http.get("/v1/users/" + user.getId());
        assertThat(found.status()).isEqualTo(200);
        assertThat(found.as(User.getDefaultInstance())).isEqualTo(user);

        String unknown = "01890000-0000-7000-8000-000000000000";
        Reply missing = http.get("/v1/users/" + unknown);
        assertThat(missing.status()).isEqualTo(404);
        RpcError overGrpc = RpcError.of(() -> users().getUser(GetUserRequest.newBuilder().setId(unknown).build()));
        assertThat(missing.error()).isEqualTo(overGrpc);
        assertThat(overGrpc.errorInfo().getReason()).isEqualTo("USER_NOT_FOUND");
    }

    @Test
    void invalidInputIs400WithTheSameBadRequestAsGrpc() {
        Reply reply = http.post("/v1/users", "{\"displayName\":\" \",\"email\":\"not-an-email\"}");

        assertThat(reply.status()).isEqualTo(400);
        RpcError error = reply.error();
        RpcError overGrpc = RpcError.of(() -> users().createUser(CreateUserRequest.newBuilder()
                .setUser(User.newBuilder().setDisplayName(" ").setEmail("not-an-email")).build()));
        assertThat(error).isEqualTo(overGrpc);
        assertThat(error.code()).isEqualTo(io.grpc.Status.Code.INVALID_ARGUMENT);
        assertThat(error.badRequest().getFieldViolationsList()).extracting(BadRequest.FieldViolation::getField)
                .containsExactly("user.display_name", "user.email");
        // The Status as JSON: code, message and details, each detail with its type.
        com.google.gson.JsonObject json = com.google.gson.JsonParser.parseString(reply.body()).getAsJsonObject();
        assertThat(json.keySet()).containsExactly("code", "message", "details");
        assertThat(json.get("code").getAsInt()).isEqualTo(3);
        assertThat(json.get("message").getAsString()).isEqualTo(error.message());
        assertThat(json.getAsJsonArray("details")).extracting(detail -> detail.getAsJsonObject().get("@type").getAsString())
                .containsExactly("type.googleapis.com/google.rpc.ErrorInfo", "type.googleapis.com/google.rpc.BadRequest");
    }

    @Test
    void updateUserAppliesTheMaskFromTheQueryAndThePathIdWins() {
        User user = createUser("Linus");

        Reply reply = http.send("PATCH", "/v1/users/" + user.getId() + "?updateMask=displayName",
                "{\"id\":\"someone-else\",\"displayName\":\"Linus T\",\"email\":\"ignored@example.com\"}");

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        User updated = reply.as(User.getDefaultInstance());
        assertThat(updated.getId()).isEqualTo(user.getId());
        assertThat(updated.getDisplayName()).isEqualTo("Linus T");
        assertThat(updated.getEmail()).isEqualTo(user.getEmail()); // not in the mask
        assertThat(users().getUser(GetUserRequest.newBuilder().setId(user.getId()).build())).isEqualTo(updated);

        Reply stale = http.send("PATCH", "/v1/users/" + user.getId() + "?update_mask=display_name",
                "{\"displayName\":\"Again\",\"etag\":\"" + user.getEtag() + "\"}");
        assertThat(stale.status()).isEqualTo(409);
        assertThat(stale.error().errorInfo().getReason()).isEqualTo("ETAG_MISMATCH");
        assertThat(users().getUser(GetUserRequest.newBuilder().setId(user.getId()).build())).isEqualTo(updated);
    }

    @Test
    void deleteUserReturnsEmptyAndThenTheUserIsGone() {
        User user = createUser("Gone");

        Reply stale = http.delete("/v1/users/" + user.getId() + "?etag=not-" + user.getEtag());
        assertThat(stale.status()).isEqualTo(409);
        Reply deleted = http.delete("/v1/users/" + user.getId() + "?etag=" + user.getEtag());

        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.body()).isEqualTo("{}");
        assertThat(deleted.as(Empty.getDefaultInstance())).isEqualTo(Empty.getDefaultInstance());
        assertThat(http.get("/v1/users/" + user.getId()).status()).isEqualTo(404);
    }

    @Test
    void listUsersIsAnEventPerUserThenAnOkStatus() {
        createUser("Listed");
        List<User> overGrpc = new java.util.ArrayList<>();
        users().listUsers(dev.grocer.user.v1.ListUsersRequest.getDefaultInstance())
                .forEachRemaining(response -> overGrpc.add(response.getUser()));

        Reply reply = http.get("/v1/users", "accept", "text/event-stream");

        assertThat(reply.status()).isEqualTo(200);
        List<Event> events = reply.events();
        assertThat(events).hasSize(overGrpc.size() + 1);
        assertThat(events.subList(0, overGrpc.size())).extracting(Event::name).containsOnly("message");
        assertThat(events.subList(0, overGrpc.size()))
                .extracting(event -> event.as(ListUsersResponse.getDefaultInstance()).getUser())
                .containsExactlyElementsOf(overGrpc);
        assertThat(events.get(overGrpc.size())).isEqualTo(new Event("status", "{\"code\":0,\"message\":\"\",\"details\":[]}"));

        // The limit parameter, and the token in each message resumes after it.
        List<Event> first = http.get("/v1/users?limit=1").events();
        assertThat(first).hasSize(2);
        ListUsersResponse one = first.get(0).as(ListUsersResponse.getDefaultInstance());
        assertThat(one.getUser()).isEqualTo(overGrpc.get(0));
        List<Event> rest = http.get("/v1/users?pageToken=" + one.getPageToken()).events();
        assertThat(rest).hasSize(overGrpc.size());
        assertThat(rest.get(0).as(ListUsersResponse.getDefaultInstance()).getUser()).isEqualTo(overGrpc.get(1));
    }

    @Test
    void aStreamThatFailsBeforeItsFirstMessageIsAnHttpError() {
        Reply reply = http.get("/v1/users?pageToken=not-a-token");

        assertThat(reply.status()).isEqualTo(400);
        RpcError overGrpc = RpcError.of(() -> users().listUsers(dev.grocer.user.v1.ListUsersRequest.newBuilder()
                .setPageToken("not-a-token").build()).hasNext());
        assertThat(reply.error()).isEqualTo(overGrpc);
        assertThat(overGrpc.code()).isEqualTo(io.grpc.Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void registerGetListAndWatchAnOrderToDelivery() {
        User user = createUser("Shopper");

        Reply registered = http.post("/v1/orders", order(user.getId()));
        assertThat(registered.status()).as(registered.body()).isEqualTo(200);
        Order order = registered.as(Order.getDefaultInstance());
        assertThat(order.getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_PLACED);
        assertThat(order.getTotal().getUnits()).isEqualTo(3);
        assertThat(order.getTotal().getCurrencyCode()).isEqualTo("EUR");

        List<Event> events = http.get("/v1/orders/" + order.getId() + ":watch").events();
        List<WatchOrderResponse> changes = events.subList(0, events.size() - 1).stream()
                .map(event -> event.as(WatchOrderResponse.getDefaultInstance())).toList();
        assertThat(changes.get(0).getChange()).isEqualTo(OrderChange.ORDER_CHANGE_CURRENT_STATE);
        assertThat(changes.get(changes.size() - 1).getOrder().getStatus())
                .isEqualTo(OrderStatus.ORDER_STATUS_DELIVERED);
        assertThat(changes.stream().map(change -> change.getOrder().getStatus()).distinct().toList())
                .endsWith(OrderStatus.ORDER_STATUS_PREPARING, OrderStatus.ORDER_STATUS_OUT_FOR_DELIVERY,
                        OrderStatus.ORDER_STATUS_DELIVERED);
        assertThat(changes.subList(1, changes.size())).extracting(WatchOrderResponse::getChange)
                .containsOnly(OrderChange.ORDER_CHANGE_STATUS_CHANGED);
        assertThat(events.get(events.size() - 1).name()).isEqualTo("status");

        Order delivered = OrderServiceGrpc.newBlockingStub(channel)
                .getOrder(GetOrderRequest.newBuilder().setId(order.getId()).build());
        assertThat(http.get("/v1/orders/" + order.getId()).as(Order.getDefaultInstance())).isEqualTo(delivered);
        ListOrdersResponse listed = http.get("/v1/orders?userId=" + user.getId() + "&pageSize=5")
                .as(ListOrdersResponse.getDefaultInstance());
        assertThat(listed.getOrdersList()).containsExactly(delivered);
        assertThat(listed.getNextPageToken()).isEmpty();

        Reply tooLate = http.post("/v1/orders/" + order.getId() + ":cancel", "{}");
        assertThat(tooLate.status()).isEqualTo(400);
        assertThat(tooLate.error().code()).isEqualTo(io.grpc.Status.Code.FAILED_PRECONDITION);
    }

    @Test
    void cancelAnOrderWithItsEtagInTheBodyAndWatchingItEndsCancelled() {
        User user = createUser("Canceller");
        Order order = http.post("/v1/orders", order(user.getId())).as(Order.getDefaultInstance());

        Reply cancelled = http.post("/v1/orders/" + order.getId() + ":cancel",
                "{\"etag\":\"" + order.getEtag() + "\"}");
        assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
        assertThat(cancelled.as(Order.getDefaultInstance()).getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_CANCELLED);
        List<Event> events = http.get("/v1/orders/" + order.getId() + ":watch").events();
        assertThat(events).hasSize(2);
        assertThat(events.get(0).as(WatchOrderResponse.getDefaultInstance()).getOrder().getStatus())
                .isEqualTo(OrderStatus.ORDER_STATUS_CANCELLED);
        assertThat(events.get(1)).isEqualTo(new Event("status", "{\"code\":0,\"message\":\"\",\"details\":[]}"));
    }

    @Test
    void watchingAnUnknownOrderIs404NotAStream() {
        Reply reply = http.get("/v1/orders/01890000-0000-7000-8000-000000000000:watch");

        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.error().errorInfo().getReason()).isEqualTo("ORDER_NOT_FOUND");
    }

    @Test
    void sayHelloByNameAndByUser() {
        Reply byName = http.get("/v1:sayHello?name=Ada");
        assertThat(byName.status()).isEqualTo(200);
        assertThat(byName.body()).isEqualTo("{\"message\":\"Hello, Ada!\"}");

        User user = createUser("Hopper");
        SayHelloResponse byUser = http.get("/v1:sayHello?userId=" + user.getId()).as(SayHelloResponse.getDefaultInstance());
        assertThat(byUser.getMessage()).isEqualTo("Hello, Hopper!");
    }

    @Test
    void addGetAndListItems() {
        Reply added = http.post("/v1/items", "{\"name\":\"flour\",\"quantity\":3}");
        assertThat(added.status()).as(added.body()).isEqualTo(200);
        Item item = added.as(Item.getDefaultInstance());
        assertThat(item.getName()).isEqualTo("flour");
        assertThat(item.getQuantity()).isEqualTo(3);

        assertThat(http.get("/v1/items/" + item.getId()).as(Item.getDefaultInstance())).isEqualTo(
                GreeterServiceGrpc.newBlockingStub(channel).getItem(GetItemRequest.newBuilder().setId(item.getId()).build()));
        ListItemsResponse page = http.get("/v1/items?pageSize=1000").as(ListItemsResponse.getDefaultInstance());
        assertThat(page.getItemsList()).contains(item);
    }

    @Test
    void callsOverHttpAreCountedWithTheirTransport() {
        String series = "grpc_server_processing_duration_seconds_count{application=\"grocer\",method=\"SayHello\","
                + "methodType=\"UNARY\",service=\"grocer.greeter.v1.GreeterService\",statusCode=\"OK\",transport=\"";
        double httpBefore = value(series + "http-json\"}");
        double grpcBefore = value(series + "grpc\"}");

        http.get("/v1:sayHello?name=Counted");
        http.get("/v1:sayHello?name=Counted");

        assertThat(value(series + "http-json\"}")).isEqualTo(httpBefore + 2);
        assertThat(value(series + "grpc\"}")).isEqualTo(grpcBefore);
    }

    private static double value(String series) {
        String scrape = http.get("/actuator/prometheus").body();
        return scrape.lines().filter(line -> line.startsWith(series + " ")).findFirst()
                .map(line -> Double.parseDouble(line.substring(series.length() + 1))).orElseThrow(
                        () -> new AssertionError(series + " not in the scrape"));
    }

    @Test
    void theErrorInfoOfAnHttpOnlyRefusalIsGrocers() {
        Reply reply = http.get("/v1/users/x/y");

        assertThat(reply.status()).isEqualTo(404);
        ErrorInfo info = reply.error().errorInfo();
        assertThat(info.getDomain()).isEqualTo("grocer");
        assertThat(info.getReason()).isEqualTo("NO_SUCH_ROUTE");
        assertThat(info.getMetadataMap()).containsEntry("path", "/v1/users/x/y");
    }
}
