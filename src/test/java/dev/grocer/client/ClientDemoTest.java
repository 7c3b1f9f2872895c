package dev.grocer.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import dev.grocer.GrocerApplication;
import dev.grocer.testing.LogLines;

/**
 * The {@code client} profile as a user runs it: a real grocer server on a free loopback port (Netty), and
 * the client application started against it, its output and exit code checked.
 */
@ExtendWith(OutputCaptureExtension.class)
class ClientDemoTest {

    private static ConfigurableApplicationContext server;
    private static int port;
    private static String serverStartOutput;

    @BeforeAll
    static void startServer(CapturedOutput output) {
        int before = output.getAll().length();
        // Command-line arguments, like a user's, outrank application.yml (SpringApplicationBuilder.properties
        // would not: those are defaults).
        server = new SpringApplicationBuilder(GrocerApplication.class).run(
                "--grpc.server.port=0", "--grpc.server.address=127.0.0.1",
                "--server.port=0", "--server.address=127.0.0.1",
                "--grocer.orders.fulfilment.step-delay=1s");
        serverStartOutput = output.getAll().substring(before);
        port = grpcPort(server);
        assertThat(port).isPositive().isNotEqualTo(9090);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    /** The port the server bound, as the actuator health of the gRPC server reports it. */
    private static int grpcPort(ConfigurableApplicationContext context) {
        Object details = context.getBean("grpcServer", org.springframework.boot.health.contributor.HealthIndicator.class)
                .health().getDetails().get("port");
        return (Integer) details;
    }

    /** Runs the client application to its end, like {@code java -jar ... --spring.profiles.active=client}. */
    private static int runClient(String target, String... more) {
        ConfigurableApplicationContext client = new SpringApplicationBuilder(GrocerApplication.class)
                .profiles("client")
                .run(concat("--grocer.client.target=" + target, more));
        return SpringApplication.exit(client);
    }

    private static String[] concat(String first, String... rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    @Test
    void server_startsWithTheDefaultSettings_withoutAWarningOrAStackTrace() {
        assertThat(serverStartOutput).contains("gRPC Server started");
        assertThat(LogLines.warningsAndStackTraces(serverStartOutput)).isEmpty();
    }

    @Test
    void demo_callsEveryRpcAndExitsZero(CapturedOutput output) {
        int exitCode = runClient("127.0.0.1:" + port);

        assertThat(exitCode).isZero();
        assertThat(output.getOut()).contains("demo OK: every step behaved as expected");
        for (String rpc : List.of("UserService/CreateUser", "UserService/GetUser", "UserService/UpdateUser",
                "UserService/DeleteUser", "UserService/ListUsers", "UserService/CreateUsers",
                "UserService/ChatStream", "OrderService/RegisterOrder", "OrderService/GetOrder",
                "OrderService/UpdateOrder", "OrderService/WatchOrder", "OrderService/CancelOrder",
                "OrderService/ListOrders", "GreeterService/SayHello", "GreeterService/AddItem",
                "GreeterService/GetItem", "GreeterService/ListItems")) {
            assertThat(output.getOut()).as("a step of " + rpc).contains("[" + rpc);
        }
        assertThat(output.getOut())
                .contains("[UserService/CreateUser with an invalid email] failed as expected with\n"
                        + "    INVALID_ARGUMENT: invalid request: user.email: must be an email address like name@example.com, was 'not-an-email'\n"
                        + "      reason: INVALID_ARGUMENT (grocer)\n"
                        + "      field user.email: must be an email address like name@example.com, was 'not-an-email'\n")
                .contains("[OrderService/WatchOrder] ORDER_CHANGE_CURRENT_STATE -> ORDER_STATUS_PLACED\n")
                .contains("[OrderService/WatchOrder] ORDER_CHANGE_STATUS_CHANGED -> ORDER_STATUS_DELIVERED\n"
                        + "[OrderService/CancelOrder]")
                .contains("[OrderService/WatchOrder with a 100 ms deadline] failed as expected with\n    DEADLINE_EXCEEDED")
                .contains("failed as expected with\n    UNAVAILABLE: io exception\n      cause: ")
                .doesNotContain("Exception\n\tat ");
        // The watch began before the two address updates, so it saw both.
        assertThat(output.getOut().split("ORDER_CHANGE_ADDRESS_UPDATED", -1)).hasSize(3);
        // The client profile starts (and the server serves the demo) without a warning or a stack trace.
        assertThat(LogLines.warningsAndStackTraces(output.getAll())).isEmpty();
    }

    @Test
    void demo_withNoServerListeningExitsNonZeroNamingTheAddress(CapturedOutput output) throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }

        int exitCode = runClient("127.0.0.1:" + closed);

        assertThat(exitCode).isEqualTo(1);
        assertThat(output.getOut()).contains("demo FAILED: cannot reach grocer at 127.0.0.1:" + closed
                + " (UNAVAILABLE: io exception; cause: ").contains("Connection refused: /127.0.0.1:" + closed);
    }

    @Test
    void shell_runsPipedCommandsAndShowsErrorsReadably(CapturedOutput output) {
        InputStream stdin = System.in;
        System.setIn(new ByteArrayInputStream(String.join("\n",
                "hello Alan Turing",
                "create-user Alan Turing alan@shell.example.com",
                "get-user nope",
                "order",
                "frobnicate",
                "quit", "").getBytes(StandardCharsets.UTF_8)));
        try {
            assertThat(runClient("127.0.0.1:" + port, "--grocer.client.interactive=true")).isZero();
        } finally {
            System.setIn(stdin);
        }

        assertThat(output.getOut())
                .contains("grocer shell on 127.0.0.1:" + port + "; type help for the commands\n"
                        + "Hello, Alan Turing!\n"
                        + "{\"id\":\"")
                .contains("\"displayName\":\"Alan Turing\",\"email\":\"alan@shell.example.com\",\"createTime\":\"")
                .contains("error: INVALID_ARGUMENT: invalid request: id: must be a user id as returned by CreateUser"
                        + " (a lower-case UUID), was 'nope'\n"
                        + "  reason: INVALID_ARGUMENT (grocer)\n"
                        + "  field id: must be a user id as returned by CreateUser (a lower-case UUID), was 'nope'\n"
                        + "usage: order USER_ID PRODUCT QUANTITY PRICE\n"
                        + "unknown command 'frobnicate'; type help for the commands\n"
                        + "bye\n")
                .doesNotContain("demo OK");
    }
}
