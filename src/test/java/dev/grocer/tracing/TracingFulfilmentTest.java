package dev.grocer.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.grocer.order.OrderTestData;
import dev.grocer.order.v1.OrderServiceGrpc;
import dev.grocer.testing.OtlpReceiver;
import dev.grocer.testing.OtlpReceiver.Received;
import dev.grocer.testing.TestReplicas;
import dev.grocer.user.v1.UserServiceGrpc;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;

/**
 * Fulfilment on PostgreSQL, where the replicas share the steps: each step is a trace of its own, made by whichever
 * replica took it, with the step's statements and its notification's deliveries inside.
 */
class TracingFulfilmentTest {

    private static OtlpReceiver receiver;
    private static TestReplicas replicas;

    @BeforeAll
    static void start() {
        receiver = OtlpReceiver.start();
        replicas = TestReplicas.start("tracing_fulfilment",
                "--management.opentelemetry.tracing.export.otlp.endpoint=" + receiver.endpoint(),
                "--management.opentelemetry.tracing.export.schedule-delay=50ms",
                "--grocer.orders.fulfilment.step-delay=200ms");
    }

    @AfterAll
    static void stop() {
        replicas.close();
        receiver.close();
    }

    private static String instance(int replica) {
        return replicas.server(replica).instanceId();
    }

    @Test
    void eachStepIsATraceOfItsOwn_withItsStatements_andItsDeliveriesOnEveryReplica() throws InterruptedException {
        String userId = OrderTestData.newUser(UserServiceGrpc.newBlockingStub(replicas.channel(0))).getId();
        String orderId = OrderServiceGrpc.newBlockingStub(replicas.channel(0))
                .registerOrder(OrderTestData.groceries(userId)).getId();

        List<Received> steps = receiver.await(s -> s.name().equals("fulfilment step")
                && orderId.equals(s.attribute("order.id")), 3, Duration.ofSeconds(20));
        assertThat(steps).extracting(s -> s.attribute("order.status.from"))
                .containsExactly("PLACED", "PREPARING", "OUT_FOR_DELIVERY");
        for (Received step : steps) {
            assertThat(step.parentSpanId()).isEmpty();
            assertThat(step.resource().get("service.instance.id")).isIn(instance(0), instance(1));
            Received update = receiver.awaitOne(s -> s.traceId().equals(step.traceId())
                    && s.span().getKind() == SpanKind.SPAN_KIND_CLIENT && "UPDATE".equals(s.attribute("db.operation")),
                    Duration.ofSeconds(10));
            assertThat(update.parentSpanId()).isEqualTo(step.spanId());
            List<Received> deliveries = receiver.await(s -> s.traceId().equals(step.traceId())
                    && s.name().equals("grocer_orders process"), 2, Duration.ofSeconds(10));
            assertThat(deliveries).allSatisfy(d -> assertThat(d.parentSpanId()).isEqualTo(step.spanId()))
                    .extracting(d -> d.resource().get("service.instance.id"))
                    .containsExactlyInAnyOrder(instance(0), instance(1));
        }
        // The polls that found nothing due started no trace: every trace here is a step's or a call's.
        assertThat(receiver.spans()).filteredOn(s -> s.parentSpanId().isEmpty())
                .allMatch(s -> s.name().equals("fulfilment step") || s.name().startsWith("grocer."));
    }
}
