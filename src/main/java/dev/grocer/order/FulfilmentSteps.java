package dev.grocer.order;

import java.util.function.Supplier;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

/**
 * Each fulfilment step as a Micrometer observation, {@code grocer.fulfilment.step}: with tracing on, a span
 * {@code fulfilment step} (a root: nobody called it) whose children are the step's statements and whose trace the
 * step's notification carries to the watchers on every replica; and the timer {@code grocer.fulfilment.step}
 * tagged with the status the order left. The order id is on the span only, never a metric tag.
 */
final class FulfilmentSteps {

    static final String NAME = "grocer.fulfilment.step";

    private FulfilmentSteps() {}

    static <T> T observe(ObservationRegistry registry, String orderId, OrderStatus from, Supplier<T> step) {
        return Observation.createNotStarted(NAME, registry).contextualName("fulfilment step")
                .lowCardinalityKeyValue("order.status.from", from.name())
                .highCardinalityKeyValue("order.id", orderId)
                .observe(step);
    }
}
