package dev.grocer.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

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
import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.NameResolverRegistry;
import io.grpc.Server;
import io.grpc.StatusOr;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;

/**
 * The client profile spreads its calls over every server {@code grocer.client.target} names, in turn
 * (round-robin), and leaves out one that is down. The servers are plain grpc-java greeters on loopback
 * that note who answered each call, so the tests see the order calls went in. Round robin alternates only
 * between connections that are ready, so each test first says hello until every server has answered once,
 * and only counts the calls after that.
 */
@ExtendWith(OutputCaptureExtension.class)
class ClientLoadBalancingTest {

    /** Generous: waits for an answer or a connection, never a measure of speed. */
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private final List<Server> servers = new ArrayList<>();
    /** The name of the server that answered each call, in order. */
    private final List<String> answeredBy = new CopyOnWriteArrayList<>();
    private final List<NameResolverProvider> registered = new ArrayList<>();
    private Shell shell;

    /** A greeter on a free loopback port that answers "from NAME" and notes the call. */
    private int greeter(String name) throws IOException {
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new GreeterServiceGrpc.GreeterServiceImplBase() {
                    @Override
                    public void sayHello(SayHelloRequest request, StreamObserver<SayHelloResponse> response) {
                        answeredBy.add(name);
                        response.onNext(SayHelloResponse.newBuilder().setMessage("from " + name).build());
                        response.onCompleted();
                    }
                })
                .build()
                .start();
        servers.add(server);
        return server.getPort();
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @AfterEach
    void stopEverything() throws Exception {
        if (shell != null) {
            shell.close();
        }
        registered.forEach(NameResolverRegistry.getDefaultRegistry()::deregister);
        for (Server server : servers) {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** {@code n} names alternating between {@code first} and {@code second}, starting with {@code first}. */
    private static List<String> alternating(String first, String second, int n) {
        return IntStream.range(0, n).mapToObj(i -> i % 2 == 0 ? first : second).toList();
    }

    @Test
    void aListOfServers_takesThemInTurn(CapturedOutput output) throws Exception {
        String target = "127.0.0.1:" + greeter("A") + ",127.0.0.1:" + greeter("B");
        shell = new Shell("--grocer.client.target=" + target);

        shell.helloUntilAnsweredBy("A", "B");
        List<String> twenty = shell.hello(20);

        assertThat(twenty).isIn(alternating("A", "B", 20), alternating("B", "A", 20));
        assertThat(shell.quit()).isZero();
        assertThat(output.getOut()).contains("grocer shell on " + target, "from A", "from B")
                .doesNotContain("error:");
    }

    @Test
    void aDnsNameWithSeveralAddresses_takesThemInTurn(CapturedOutput output) throws Exception {
        AtomicInteger lookups = dnsAnswers("grocer-headless.test", greeter("A"), greeter("B"));
        shell = new Shell("--grocer.client.target=dns:///grocer-headless.test:9090");

        shell.helloUntilAnsweredBy("A", "B");
        List<String> twenty = shell.hello(20);

        assertThat(lookups).hasValue(1);
        assertThat(twenty).isIn(alternating("A", "B", 20), alternating("B", "A", 20));
        assertThat(shell.quit()).isZero();
        assertThat(output.getOut()).doesNotContain("error:");
    }

    @Test
    void pickFirst_sendsEveryCallToOneServer() throws Exception {
        // The control for the two tests above: the same setup with the other policy does not spread calls.
        dnsAnswers("grocer-headless.test", greeter("A"), greeter("B"));
        shell = new Shell("--grocer.client.target=dns:///grocer-headless.test:9090",
                "--grpc.client.grocer.default-load-balancing-policy=pick_first");

        String first = shell.hello(1).get(0);
        List<String> twenty = shell.hello(20);

        assertThat(twenty).isEqualTo(Collections.nCopies(20, first));
        assertThat(shell.quit()).isZero();
    }

    @Test
    void aServerThatIsDown_isLeftOut(CapturedOutput output) throws Exception {
        shell = new Shell("--grocer.client.target=127.0.0.1:" + greeter("A") + ",127.0.0.1:" + closedPort());

        List<String> ten = shell.hello(10);

        assertThat(ten).isEqualTo(Collections.nCopies(10, "A"));
        assertThat(shell.quit()).isZero();
        assertThat(output.getOut()).doesNotContain("error:");
    }

    @Test
    void aSingleServer_takesEveryCall(CapturedOutput output) throws Exception {
        shell = new Shell("--grocer.client.target=127.0.0.1:" + greeter("A"));

        List<String> three = shell.hello(3);

        assertThat(three).isEqualTo(List.of("A", "A", "A"));
        assertThat(shell.quit()).isZero();
        assertThat(output.getOut()).doesNotContain("error:");
    }

    @Test
    void aMalformedList_stopsTheStartNamingTheProperty(CapturedOutput output) {
        assertThatThrownBy(() -> new SpringApplicationBuilder(GrocerApplication.class).profiles("client")
                        .run("--grocer.client.target=127.0.0.1:9090,,127.0.0.1:9091", "--grocer.client.interactive=true"))
                .hasRootCauseInstanceOf(IllegalArgumentException.class)
                .rootCause().hasMessage("grocer.client.target '127.0.0.1:9090,,127.0.0.1:9091' has an empty address;"
                        + " separate host:port entries by single commas");
        assertThat(output).contains("Property: grocer.client.target", "Value: \"127.0.0.1:9090,,127.0.0.1:9091\"");
    }

    /**
     * Stands in for DNS: answers {@code dns:///name:port} with two loopback servers, as DNS answers the name of
     * a Kubernetes headless service with one address per pod. It outranks grpc-java's own DNS resolver
     * (priority 5) while the test runs, and knows no other name.
     *
     * @return how many times the name was looked up
     */
    private AtomicInteger dnsAnswers(String name, int portA, int portB) {
        AtomicInteger lookups = new AtomicInteger();
        NameResolverProvider provider = new NameResolverProvider() {
            @Override
            public NameResolver newNameResolver(URI target, NameResolver.Args args) {
                if (!target.getPath().startsWith("/" + name + ":")) {
                    return null;
                }
                return new NameResolver() {
                    @Override
                    public String getServiceAuthority() {
                        return target.getPath().substring(1);
                    }

                    @Override
                    public void start(Listener2 listener) {
                        lookups.incrementAndGet();
                        listener.onResult2(ResolutionResult.newBuilder().setAddressesOrError(StatusOr.fromValue(List.of(
                                new EquivalentAddressGroup(new InetSocketAddress("127.0.0.1", portA)),
                                new EquivalentAddressGroup(new InetSocketAddress("127.0.0.1", portB)))))
                                .build());
                    }

                    @Override
                    public void shutdown() {}
                };
            }

            @Override
            public String getDefaultScheme() {
                return "dns";
            }

            @Override
            protected boolean isAvailable() {
                return true;
            }

            @Override
            protected int priority() {
                return 9;
            }
        };
        NameResolverRegistry.getDefaultRegistry().register(provider);
        registered.add(provider);
        return lookups;
    }

    /**
     * The client application in interactive mode, as {@code java -jar ... --spring.profiles.active=client
     * --grocer.client.interactive=true}, on a thread of its own, reading the lines this test writes to its
     * standard input.
     */
    private final class Shell implements AutoCloseable {

        private final InputStream stdin = System.in;
        private final PipedOutputStream lines = new PipedOutputStream();
        private final CompletableFuture<Integer> exitCode = new CompletableFuture<>();

        Shell(String... args) throws IOException {
            System.setIn(new PipedInputStream(lines));
            List<String> all = new ArrayList<>(List.of(args));
            all.add("--grocer.client.interactive=true");
            Thread thread = new Thread(() -> {
                try {
                    exitCode.complete(SpringApplication.exit(new SpringApplicationBuilder(GrocerApplication.class)
                            .profiles("client").run(all.toArray(String[]::new))));
                } catch (Throwable e) {
                    exitCode.completeExceptionally(e);
                }
            }, "client-shell");
            thread.setDaemon(true);
            thread.start();
        }

        /** Types {@code hello Ada} {@code times} times, each after the previous answer; who answered each. */
        List<String> hello(int times) throws IOException {
            int before = answeredBy.size();
            for (int i = 1; i <= times; i++) {
                int expected = before + i;
                type("hello Ada");
                await().atMost(PATIENCE).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2))
                        .until(() -> answeredBy.size() >= expected || exitCode.isDone());
                assertThat(exitCode).as("the shell ended early").isNotDone();
            }
            return List.copyOf(answeredBy.subList(before, before + times));
        }

        /** Says hello until each named server has answered once, so that all of their connections are ready. */
        void helloUntilAnsweredBy(String... names) {
            // In this thread: a PipedInputStream fails its reader ("Write end dead") once the thread that last
            // wrote to it has ended, and awaitility would otherwise type from a thread of its own that ends.
            await().atMost(PATIENCE).pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2))
                    .until(() -> {
                        hello(1);
                        return answeredBy.containsAll(List.of(names));
                    });
        }

        int quit() throws Exception {
            type("quit");
            return exitCode.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        }

        private void type(String line) throws IOException {
            lines.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            lines.flush();
        }

        @Override
        public void close() throws IOException {
            lines.close();
            System.setIn(stdin);
        }
    }
}
