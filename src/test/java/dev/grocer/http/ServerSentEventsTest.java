package dev.grocer.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.grocer.order.v1.Order;
import dev.grocer.order.v1.OrderStatus;
import dev.grocer.order.v1.WatchOrderResponse;
import dev.grocer.testing.HttpApi;
import dev.grocer.testing.TestServer;
import dev.grocer.user.v1.User;

/**
 * A Server-Sent Events stream that stays open: it sends its messages as they happen, a comment line when it has
 * nothing to send, and when its client goes away the server notices at the next write and cancels the call
 * (the calls in flight drop back).
 */
class ServerSentEventsTest {

    private static TestServer server;
    private static HttpApi http;

    @BeforeAll
    static void start() {
        // No fulfilment: a watched order stays PLACED, so its stream stays open with nothing to send.
        server = TestServer.start("--grocer.orders.fulfilment.enabled=false", "--grocer.http.stream-heartbeat=100ms");
        http = new HttpApi(server.httpPort());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aQuietStreamBeatsAndAClientThatLeavesHasItsCallCancelled() throws Exception {
        User user = http.post("/v1/users", "{\"displayName\":\"Watcher\",\"email\":\"watcher@example.com\"}")
                .as(User.getDefaultInstance());
        Order order = http.post("/v1/orders", "{\"userId\":\"" + user.getId() + "\",\"items\":[{\"product\":\"tea\","
                + "\"quantity\":1,\"unitPrice\":{\"currencyCode\":\"EUR\",\"units\":\"2\"}}],\"deliveryAddress\":"
                + "{\"street\":\"Main St\",\"number\":\"1\",\"city\":\"Utrecht\",\"postalCode\":\"1234 AB\"}}")
                .as(Order.getDefaultInstance());
        assertThat(activeCalls()).isZero();

        HttpClient client = HttpApi.newClient();
        HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + server.httpPort() + "/v1/orders/" + order.getId() + ":watch")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        String first = lines.readLine();
        assertThat(first).startsWith("data:");
        WatchOrderResponse current = HttpApi.parse(first.substring("data:".length()),
                WatchOrderResponse.getDefaultInstance());
        assertThat(current.getOrder().getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_PLACED);
        assertThat(lines.readLine()).isEmpty(); // the end of the event
        assertThat(lines.readLine()).isEqualTo(":"); // a heartbeat: nothing happened
        assertThat(lines.readLine()).isEmpty();
        assertThat(activeCalls()).isEqualTo(1);

        response.body().close(); // the client goes away without a word

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(activeCalls()).isZero());
    }

    @Test
    void aHeartbeatThatIsNotPositiveIsRefusedAtStartUp() {
        assertThatThrownBy(() -> TestServer.start("--grocer.http.stream-heartbeat=0s").close())
                .hasStackTraceContaining("grocer.http.stream-heartbeat must be at least 1ms, was PT0S");
    }

    private static double activeCalls() {
        return http.get("/actuator/prometheus").body().lines()
                .filter(line -> line.startsWith("grpc_server_calls_active{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst().orElseThrow();
    }
}
