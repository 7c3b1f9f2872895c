package dev.grocer.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.grocer.greeter.v1.GreeterServiceGrpc;
import dev.grocer.greeter.v1.ListItemsRequest;
import dev.grocer.order.v1.ListOrdersRequest;
import dev.grocer.order.v1.OrderServiceGrpc;
import dev.grocer.testing.HttpApi;
import dev.grocer.testing.HttpApi.Reply;
import dev.grocer.testing.RpcError;
import dev.grocer.testing.TestServer;
import dev.grocer.user.v1.ListUsersRequest;
import dev.grocer.user.v1.User;
import dev.grocer.user.v1.UserServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;

/**
 * Bad HTTP input, as the gRPC side's bad-input suite does it for gRPC: a body that is not JSON, or not JSON for the
 * message, unknown fields and parameters, wrong types, a value out of range, a parameter in the wrong place, a
 * body where none is taken, a media type other than JSON, a body over the limit, an unknown path, a wrong verb and
 * a bad deadline. Each gets its exact 4xx with a {@code google.rpc.Status} body whose ErrorInfo names the reason,
 * never a 500, and none changes anything.
 */
class HttpBadInputTest {

    private static TestServer server;
    private static ManagedChannel channel;
    private static HttpApi http;
    private static User existing;

    @BeforeAll
    static void start() {
        server = TestServer.start("--grocer.http.max-request-size=1KB");
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
        http = new HttpApi(server.httpPort());
        existing = http.post("/v1/users", "{\"displayName\":\"Existing\",\"email\":\"existing@example.com\"}")
                .as(User.getDefaultInstance());
    }

    @AfterAll
    static void stop() {
        channel.shutdownNow();
        server.close();
    }

    /** A bad request: what is sent, and the HTTP status, code and ErrorInfo reason expected. */
    record Case(String name, String method, String path, byte[] body, String contentType, int httpStatus,
            Status.Code code, String reason) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Case json(String name, String method, String path, String body, int httpStatus, Status.Code code,
            String reason) {
        return new Case(name, method, path, body.getBytes(StandardCharsets.UTF_8), "application/json", httpStatus,
                code, reason);
    }

    static Stream<Arguments> cases() {
        String user = "/v1/users/" + "01890000-0000-7000-8000-000000000000";
        byte[] notUtf8 = {'{', '"', 'd', 'i', 's', 'p', 'l', 'a', 'y', 'N', 'a', 'm', 'e', '"', ':', '"', (byte) 0xc3,
                (byte) 0x28, '"', '}'};
        return Stream.of(
                json("not JSON", "POST", "/v1/users", "{\"displayName\":", 400, Status.Code.INVALID_ARGUMENT,
                        "MALFORMED_REQUEST"),
                json("trailing garbage", "POST", "/v1/users", "{} {}", 400, Status.Code.INVALID_ARGUMENT,
                        "MALFORMED_REQUEST"),
                json("unknown field", "POST", "/v1/users", "{\"displayName\":\"A\",\"bogus\":1}", 400,
                        Status.Code.INVALID_ARGUMENT, "MALFORMED_REQUEST"),
                json("object for a string", "POST", "/v1/users", "{\"displayName\":{\"a\":1}}", 400,
                        Status.Code.INVALID_ARGUMENT, "MALFORMED_REQUEST"),
                json("array for the body message", "POST", "/v1/users", "[1,2]", 400, Status.Code.INVALID_ARGUMENT,
                        "MALFORMED_REQUEST"),
                json("int32 out of range", "POST", "/v1/items", "{\"name\":\"n\",\"quantity\":99999999999}", 400,
                        Status.Code.INVALID_ARGUMENT, "MALFORMED_REQUEST"),
                json("unknown enum name", "POST", "/v1/orders", "{\"status\":\"ORDER_STATUS_TELEPORTED\"}", 400,
                        Status.Code.INVALID_ARGUMENT, "MALFORMED_REQUEST"),
                json("a body * that is not an object", "POST",
                        "/v1/orders/01890000-0000-7000-8000-000000000000:cancel", "[]", 400,
                        Status.Code.INVALID_ARGUMENT, "MALFORMED_REQUEST"),
                json("a body field that is not an object, beside a path value", "PATCH", user, "\"text\"", 400,
                        Status.Code.INVALID_ARGUMENT, "MALFORMED_REQUEST"),
                json("unknown query parameter", "GET", "/v1/users?bogus=1", "", 400, Status.Code.INVALID_ARGUMENT,
                        "MALFORMED_REQUEST"),
                json("query parameter of the wrong type", "GET", "/v1/users?limit=ten", "", 400,
                        Status.Code.INVALID_ARGUMENT, "MALFORMED_REQUEST"),
                json("one-value parameter given twice", "GET", "/v1/users?limit=1&limit=2", "", 400,
                        Status.Code.INVALID_ARGUMENT, "MALFORMED_REQUEST"),
                json("the same parameter by both its names", "GET", "/v1/orders?pageSize=1&page_size=2", "", 400,
                        Status.Code.INVALID_ARGUMENT, "MALFORMED_REQUEST"),
                json("a body field in the query", "POST", "/v1/users?user.email=a@example.com",
                        "{\"displayName\":\"A\"}", 400, Status.Code.INVALID_ARGUMENT, "MALFORMED_REQUEST"),
                json("a path field in the query", "GET", user + "?id=other", "", 400, Status.Code.INVALID_ARGUMENT,
                        "MALFORMED_REQUEST"),
                json("a message in the query", "GET", "/v1/users?user=1", "", 400, Status.Code.INVALID_ARGUMENT,
                        "MALFORMED_REQUEST"),
                json("a body where the route takes none", "GET", user, "{\"id\":\"x\"}", 400,
                        Status.Code.INVALID_ARGUMENT, "MALFORMED_REQUEST"),
                new Case("not UTF-8", "POST", "/v1/users", notUtf8, "application/json", 400,
                        Status.Code.INVALID_ARGUMENT, "MALFORMED_REQUEST"),
                new Case("a form instead of JSON", "POST", "/v1/users",
                        "displayName=A".getBytes(StandardCharsets.UTF_8), "application/x-www-form-urlencoded", 415,
                        Status.Code.INVALID_ARGUMENT, "UNSUPPORTED_MEDIA_TYPE"),
                new Case("JSON in another charset", "POST", "/v1/users", "{}".getBytes(StandardCharsets.UTF_16),
                        "application/json; charset=UTF-16", 415, Status.Code.INVALID_ARGUMENT,
                        "UNSUPPORTED_MEDIA_TYPE"),
                json("a body over the limit", "POST", "/v1/users", "{\"displayName\":\"" + "a".repeat(1100) + "\"}",
                        413, Status.Code.RESOURCE_EXHAUSTED, "REQUEST_TOO_LARGE"),
                json("an unknown path", "GET", "/v1/shops", "", 404, Status.Code.NOT_FOUND, "NO_SUCH_ROUTE"),
                json("an unknown custom verb", "POST", "/v1/users:teleport", "{}", 404, Status.Code.NOT_FOUND,
                        "NO_SUCH_ROUTE"),
                json("a wrong verb", "PUT", user, "{}", 405, Status.Code.UNIMPLEMENTED, "METHOD_NOT_ALLOWED"))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isRefusedWithItsStatusAndChangesNothing(Case bad) {
        List<Long> before = stored();

        Reply reply = http.sendBytes(bad.method(), bad.path(), bad.body(), "content-type", bad.contentType());

        assertThat(reply.status()).as(reply.body()).isEqualTo(bad.httpStatus());
        RpcError error = reply.error();
        assertThat(error.code()).isEqualTo(bad.code());
        assertThat(error.errorInfo().getDomain()).isEqualTo("grocer");
        assertThat(error.errorInfo().getReason()).isEqualTo(bad.reason());
        assertThat(error.message()).isNotBlank().doesNotContain("Exception").doesNotContain("dev.grocer");
        assertThat(stored()).as("users, orders and items stored").isEqualTo(before);
    }

    @Test
    void messagesSayWhatToFix() {
        assertThat(http.post("/v1/users", "{\"displayName\":\"A\",\"bogus\":1}").error().message()).isEqualTo(
                "the request cannot be read as grocer.user.v1.CreateUserRequest: Cannot find field: bogus in"
                        + " message grocer.user.v1.User");
        assertThat(http.post("/v1/users", "{'displayName':'A'}").error().message()).isEqualTo(
                "the request cannot be read as grocer.user.v1.CreateUserRequest: malformed JSON at line 1 column 3 path $.");
        assertThat(http.get("/v1/users?limit=ten").error().message()).isEqualTo(
                "the request cannot be read as grocer.user.v1.ListUsersRequest: Not an int32 value: \"ten\"");
        RpcError unknownParameter = http.get("/v1/users?bogus=1").error();
        assertThat(unknownParameter.message()).isEqualTo(
                "query parameter 'bogus' is not a field of grocer.user.v1.ListUsersRequest");
        assertThat(unknownParameter.badRequest().getFieldViolations(0).getField()).isEqualTo("bogus");
        RpcError wrongVerb = http.send("PUT", "/v1/users/x", "{}").error();
        assertThat(wrongVerb.message()).isEqualTo("/v1/users/x takes PATCH, DELETE, GET, not PUT");
        assertThat(wrongVerb.errorInfo().getMetadataMap()).isEqualTo(Map.of("path", "/v1/users/x",
                "allowed", "PATCH, DELETE, GET"));
        assertThat(http.post("/v1/users", "{}", "content-type", "text/plain").error().message())
                .isEqualTo("the request body is text/plain; send it as application/json (Content-Type: application/json)");
        assertThat(http.post("/v1/users", "{\"displayName\":\"" + "a".repeat(1100) + "\"}").error().message())
                .isEqualTo("the request body is larger than the 1024 bytes this server takes"
                        + " (grocer.http.max-request-size)");
    }

    @Test
    void aBadDeadlineIsRefusedAndAGoodOneApplies() {
        Reply bad = http.get("/v1:sayHello?name=A", "grpc-timeout", "soon");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.error().message()).isEqualTo(
                "header grpc-timeout: 'soon' is not 1 to 8 digits and a unit (H, M, S, m, u or n), e.g. 5S");

        assertThat(http.get("/v1:sayHello?name=A", "grpc-timeout", "5S").status()).isEqualTo(200);
        Reply expired = http.get("/v1:sayHello?name=A", "grpc-timeout", "1n");
        assertThat(expired.status()).isEqualTo(504);
        assertThat(expired.error().code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    }

    @Test
    void theRequestThatWasRefusedIsAcceptedOnceCorrected() {
        Reply reply = http.post("/v1/users", "{\"displayName\":\"Fixed\",\"email\":\"fixed@example.com\"}");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(http.get("/v1/users/" + existing.getId()).as(User.getDefaultInstance())).isEqualTo(existing);
    }

    /** How many users, orders and items the server holds, read over gRPC. */
    private static List<Long> stored() {
        long users = 0;
        for (var it = UserServiceGrpc.newBlockingStub(channel).listUsers(ListUsersRequest.getDefaultInstance());
                it.hasNext(); it.next()) {
            users++;
        }
        long orders = OrderServiceGrpc.newBlockingStub(channel).listOrders(ListOrdersRequest.newBuilder()
                .setPageSize(1000).build()).getOrdersCount();
        long items = GreeterServiceGrpc.newBlockingStub(channel).listItems(ListItemsRequest.newBuilder()
                .setPageSize(1000).build()).getItemsCount();
        return List.of(users, orders, items);
    }
}
