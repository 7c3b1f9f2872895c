package dev.grocer.order;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.event.EventListener;

import io.micrometer.observation.ObservationRegistry;

/**
 * Pretends to be the supermarket: every registered order moves PLACED -> PREPARING ->
 * OUT_FOR_DELIVERY -> DELIVERED, one step per {@code grocer.orders.fulfilment.step-delay}, unless it is
 * cancelled first. Turned off with {@code grocer.orders.fulfilment.enabled=false}.
 *
 * <p>This is the memory store's simulator: one process, so each order's steps are timers of its own. With
 * PostgreSQL, where replicas share the orders, {@link SharedFulfilment} runs each step exactly once instead.
 */
class FulfilmentSimulator implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(FulfilmentSimulator.class);

    private final OrderManagement orders;
    private final OrderProperties.Fulfilment settings;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "fulfilment-simulator");
        thread.setDaemon(true);
        return thread;
    });

    private final ObservationRegistry observations;

    FulfilmentSimulator(OrderManagement orders, OrderProperties properties, ObservationRegistry observations) {
        this.orders = orders;
        this.settings = properties.fulfilment();
        this.observations = observations;
    }

    @EventListener
    void onRegistered(OrderRegistered event) {
        if (settings.enabled()) {
            schedule(event.orderId(), OrderStatus.PLACED);
        }
    }

    private void schedule(String orderId, OrderStatus from) {
        scheduler.schedule(() -> step(orderId, from), settings.stepDelay().toNanos(), TimeUnit.NANOSECONDS);
    }

    private void step(String orderId, OrderStatus from) {
        try {
            Order advanced = FulfilmentSteps.observe(observations, orderId, from, () -> orders.advance(orderId, from));
            if (advanced != null && !advanced.status().isFinal()) {
                schedule(orderId, advanced.status());
            }
        } catch (RuntimeException e) {
            log.warn("Fulfilment of order {} stopped at {}", orderId, from, e);
        }
    }

    @Override
    public void destroy() {
        scheduler.shutdownNow();
    }
}
