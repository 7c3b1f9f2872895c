package dev.grocer.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.grocer.GrocerApplication;
import dev.grocer.greeter.v1.GreeterServiceGrpc;
import dev.grocer.greeter.v1.SayHelloRequest;
import dev.grocer.greeter.v1.SayHelloResponse;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;

/**
 * The client profile spreads its calls over every server {@code grocer.client.target} lists
 * (round-robin), and leaves out one that is down. The servers here are plain grpc-java greeters that
 * count the calls they answer, so the test sees where each call went.
 */
@ExtendWith(OutputCaptureExtension.class)
class ClientLoadBalancingTest {

    private final List<Server> servers = new ArrayList<>();

    /** A greeter on a free loopback port that answers with its own name and counts its calls. */
    private int greeter(String name, AtomicInteger calls) throws Exception {
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new GreeterServiceGrpc.GreeterServiceImplBase() {
                    @Override
                    public void sayHello(SayHelloRequest request, StreamObserver<SayHelloResponse> response) {
                        calls.incrementAndGet();
                        response.onNext(SayHelloResponse.newBuilder().setMessage("from " + name).build());
                        response.onCompleted();
                    }
                })
                .build()
                .start();
        servers.add(server);
        return server.getPort();
    }

    @AfterEach
    void stopServers() throws InterruptedException {
        for (Server server : servers) {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** Runs the client shell with {@code hello} typed {@code times} times, to its end. */
    private static int helloThroughTheShell(String target, int times) {
        List<String> lines = new ArrayList<>(Collections.nCopies(times, "hello Ada"));
        lines.add("quit");
        lines.add("");
        InputStream stdin = System.in;
        System.setIn(new ByteArrayInputStream(String.join("\n", lines).getBytes(StandardCharsets.UTF_8)));
        try {
            return SpringApplication.exit(new SpringApplicationBuilder(GrocerApplication.class)
                    .profiles("client")
                    .run("--grocer.client.target=" + target, "--grocer.client.interactive=true"));
        } finally {
            System.setIn(stdin);
        }
    }

    @Test
    void callsGoToEveryListedServer(CapturedOutput output) throws Exception {
        AtomicInteger toA = new AtomicInteger();
        AtomicInteger toB = new AtomicInteger();
        String target = "127.0.0.1:" + greeter("A", toA) + ",127.0.0.1:" + greeter("B", toB);

        assertThat(helloThroughTheShell(target, 20)).isZero();

        assertThat(toA.get() + toB.get()).isEqualTo(20);
        // Round-robin over the ready connections: both take calls (pick_first would send all 20 to one).
        assertThat(toA.get()).isPositive();
        assertThat(toB.get()).isPositive();
        assertThat(output.getOut()).contains("from A", "from B");
    }

    @Test
    void aServerThatIsDownIsLeftOut(CapturedOutput output) throws Exception {
        AtomicInteger toA = new AtomicInteger();
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        String target = "127.0.0.1:" + greeter("A", toA) + ",127.0.0.1:" + closed;

        assertThat(helloThroughTheShell(target, 10)).isZero();

        assertThat(toA.get()).isEqualTo(10);
        assertThat(output.getOut()).doesNotContain("UNAVAILABLE");
    }
}
