package dev.grocer.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.grocer.order.OrderTestData;
import dev.grocer.order.v1.CancelOrderRequest;
import dev.grocer.order.v1.OrderChange;
import dev.grocer.order.v1.OrderServiceGrpc;
import dev.grocer.order.v1.WatchOrderRequest;
import dev.grocer.order.v1.WatchOrderResponse;
import dev.grocer.testing.OtlpReceiver;
import dev.grocer.testing.RecordingObserver;
import dev.grocer.testing.OtlpReceiver.Received;
import dev.grocer.testing.TestReplicas;
import dev.grocer.tracing.TracingTest.Caller;
import dev.grocer.user.v1.ChatStreamRequest;
import dev.grocer.user.v1.ChatStreamResponse;
import dev.grocer.user.v1.CreateUserRequest;
import dev.grocer.user.v1.GetUserRequest;
import dev.grocer.user.v1.User;
import dev.grocer.user.v1.UserServiceGrpc;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;

/**
 * Traces on PostgreSQL, over two replicas exporting to one real OTLP/HTTP receiver: a call's statements as children
 * of its span, and a change written on one replica delivered to a watcher on the other within the write's trace.
 */
class TracingReplicasTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    private static OtlpReceiver receiver;
    private static TestReplicas replicas;

    @BeforeAll
    static void start() {
        receiver = OtlpReceiver.start();
        replicas = TestReplicas.start("tracing",
                "--management.opentelemetry.tracing.export.otlp.endpoint=" + receiver.endpoint(),
                "--management.opentelemetry.tracing.export.schedule-delay=50ms",
                // No fulfilment step may race the test's own changes.
                "--grocer.orders.fulfilment.step-delay=1h");
    }

    @AfterAll
    static void stop() {
        replicas.close();
        receiver.close();
    }

    private static <S extends io.grpc.stub.AbstractStub<S>> S with(S stub, Caller caller) {
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(caller.headers(true)));
    }

    private static String instance(int replica) {
        return replicas.server(replica).instanceId();
    }

    @Test
    void aCallOnPostgres_hasItsStatementsAsChildren_withoutTheValuesSent() throws InterruptedException {
        String email = "traced-" + System.nanoTime() + "@example.com";
        Caller creating = Caller.random();
        User created = with(UserServiceGrpc.newBlockingStub(replicas.channel(0)), creating).createUser(
                CreateUserRequest.newBuilder().setUser(User.newBuilder().setDisplayName("Traced Person")
                        .setEmail(email)).build());
        Caller getting = Caller.random();
        with(UserServiceGrpc.newBlockingStub(replicas.channel(0)), getting)
                .getUser(GetUserRequest.newBuilder().setId(created.getId()).build());

        for (Caller caller : List.of(creating, getting)) {
            Received server = receiver.awaitOne(s -> s.traceId().equals(caller.traceId())
                    && s.span().getKind() == SpanKind.SPAN_KIND_SERVER, WAIT);
            List<Received> statements = receiver.await(s -> s.traceId().equals(caller.traceId())
                    && s.span().getKind() == SpanKind.SPAN_KIND_CLIENT, 1, WAIT);
            assertThat(server.parentSpanId()).isEqualTo(caller.spanId());
            assertThat(server.resource()).containsEntry("service.instance.id", instance(0))
                    .containsEntry("service.name", "grocer");
            assertThat(statements).allSatisfy(statement -> {
                assertThat(statement.parentSpanId()).isEqualTo(server.spanId());
                assertThat(statement.attributes()).containsEntry("db.system", "postgresql");
                assertThat(statement.toString()).doesNotContain(email).doesNotContain("Traced Person");
            });
        }
        Received read = receiver.awaitOne(s -> s.traceId().equals(getting.traceId())
                && s.span().getKind() == SpanKind.SPAN_KIND_CLIENT, WAIT);
        // OpenTelemetry's JDBC instrumentation names a statement by its operation, database and table, and keeps
        // its text with every literal and parameter replaced by "?".
        assertThat(read.name()).isEqualTo("SELECT tracing.users");
        assertThat(read.attributes()).containsEntry("db.operation", "SELECT").containsEntry("db.name", "tracing");
        assertThat(read.attribute("db.statement")).startsWith("SELECT ").contains(" FROM users WHERE id = ")
                .doesNotContain(created.getId());
    }

    @Test
    void aChangeWrittenOnOneReplica_isDeliveredToAWatcherOnTheOther_inTheWritersTrace() throws InterruptedException {
        String userId = OrderTestData.newUser(UserServiceGrpc.newBlockingStub(replicas.channel(0))).getId();
        String orderId = OrderServiceGrpc.newBlockingStub(replicas.channel(0))
                .registerOrder(OrderTestData.groceries(userId)).getId();
        Iterator<WatchOrderResponse> watch = OrderServiceGrpc.newBlockingStub(replicas.channel(1))
                .withDeadlineAfter(20, java.util.concurrent.TimeUnit.SECONDS)
                .watchOrder(WatchOrderRequest.newBuilder().setId(orderId).build());
        assertThat(watch.next().getChange()).isEqualTo(OrderChange.ORDER_CHANGE_CURRENT_STATE);

        Caller caller = Caller.random();
        with(OrderServiceGrpc.newBlockingStub(replicas.channel(0)), caller)
                .cancelOrder(CancelOrderRequest.newBuilder().setId(orderId).build());
        assertThat(watch.next().getChange()).isEqualTo(OrderChange.ORDER_CHANGE_CANCELLED);

        Received cancel = receiver.awaitOne(s -> s.traceId().equals(caller.traceId())
                && s.name().equals("grocer.order.v1.OrderService/CancelOrder"), WAIT);
        // Each replica hears the notification, the writer's own included; the watcher was on replica 1.
        List<Received> deliveries = receiver.await(s -> s.traceId().equals(caller.traceId())
                && s.name().equals("grocer_orders process"), 2, WAIT);
        assertThat(cancel.resource()).containsEntry("service.instance.id", instance(0));
        assertThat(deliveries).hasSize(2).allSatisfy(delivery -> {
            assertThat(delivery.span().getKind()).isEqualTo(SpanKind.SPAN_KIND_CONSUMER);
            assertThat(delivery.parentSpanId()).isEqualTo(cancel.spanId());
            assertThat(delivery.attributes()).containsEntry("messaging.system", "postgresql")
                    .containsEntry("messaging.destination.name", "grocer_orders");
        });
        Set<String> instances = deliveries.stream().map(d -> d.resource().get("service.instance.id"))
                .collect(Collectors.toSet());
        assertThat(instances).containsExactlyInAnyOrder(instance(0), instance(1));
        // On the watcher's replica, the delivery read the rest of the order: that read is the delivery's child.
        Received onWatcherReplica = deliveries.stream()
                .filter(d -> d.resource().get("service.instance.id").equals(instance(1))).findFirst().orElseThrow();
        List<Received> reads = receiver.await(s -> s.traceId().equals(caller.traceId())
                && onWatcherReplica.spanId().equals(s.parentSpanId()), 1, WAIT);
        assertThat(reads).allSatisfy(read -> assertThat(read.attributes()).containsEntry("db.system", "postgresql"));
    }

    @Test
    void aChatMessageSentOnOneReplica_isDeliveredOnBoth_inTheSendersTrace() throws InterruptedException {
        RecordingObserver<ChatStreamRequest, ChatStreamResponse> bea = RecordingObserver.autoFlowControl();
        StreamObserver<ChatStreamRequest> beaSends = UserServiceGrpc.newStub(replicas.channel(1)).chatStream(bea);
        beaSends.onNext(ChatStreamRequest.newBuilder().setSender("Bea").setText("hi").build());
        awaitMessages(bea, 1);
        Caller caller = Caller.random();
        RecordingObserver<ChatStreamRequest, ChatStreamResponse> ada = RecordingObserver.autoFlowControl();
        StreamObserver<ChatStreamRequest> adaSends = with(UserServiceGrpc.newStub(replicas.channel(0)), caller)
                .chatStream(ada);

        adaSends.onNext(ChatStreamRequest.newBuilder().setSender("Ada").setText("hello from replica 0").build());
        awaitMessages(bea, 2);
        adaSends.onCompleted();
        beaSends.onCompleted();
        ada.awaitCompletion();
        bea.awaitCompletion();

        assertThat(bea.values().get(1).getText()).isEqualTo("hello from replica 0");
        Received chat = receiver.awaitOne(s -> s.traceId().equals(caller.traceId())
                && s.name().equals("grocer.user.v1.UserService/ChatStream"), WAIT);
        List<Received> deliveries = receiver.await(s -> s.traceId().equals(caller.traceId())
                && s.name().equals("grocer_chat process"), 2, WAIT);
        assertThat(deliveries).hasSize(2).allSatisfy(delivery -> {
            assertThat(delivery.parentSpanId()).isEqualTo(chat.spanId());
            assertThat(delivery.attributes()).containsEntry("messaging.destination.name", "grocer_chat");
            assertThat(delivery.toString()).doesNotContain("hello from replica 0");
        });
        assertThat(deliveries).extracting(d -> d.resource().get("service.instance.id"))
                .containsExactlyInAnyOrder(instance(0), instance(1));
    }

    private static void awaitMessages(RecordingObserver<?, ?> observer, int count) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (observer.values().size() < count) {
            assertThat(System.nanoTime()).as("%d messages in time", count).isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
