package dev.grocer.order;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The fulfilment simulator of the PostgreSQL store, where several replicas share the orders: every
 * {@code grocer.orders.fulfilment.poll-interval} each replica has {@link OrderManagement#advanceDue} take the
 * orders whose next step is due ({@code SELECT ... FOR UPDATE SKIP LOCKED}, so two replicas never take the same
 * order) and move each one step on, in one transaction with its notification. Each step therefore happens
 * exactly once, on whichever replica got there first, and a replica that stops leaves nothing half done: its
 * orders are due for the others. A step is due {@code step-delay} after the order's last status change, as in
 * memory.
 */
class SharedFulfilment implements SmartLifecycle {

    /** The most orders one transaction advances; a poll repeats while it finds this many. */
    static final int BATCH = 100;

    private static final Logger log = LoggerFactory.getLogger(SharedFulfilment.class);

    private final OrderManagement orders;
    private final OrderProperties.Fulfilment settings;
    private ScheduledExecutorService scheduler;

    SharedFulfilment(OrderManagement orders, OrderProperties properties) {
        this.orders = orders;
        this.settings = properties.fulfilment();
    }

    @Override
    public void start() {
        if (!settings.enabled()) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "fulfilment");
            thread.setDaemon(true);
            return thread;
        });
        long interval = settings.pollInterval().toNanos();
        scheduler.scheduleWithFixedDelay(this::poll, interval, interval, TimeUnit.NANOSECONDS);
    }

    private void poll() {
        try {
            List<Order> advanced;
            do {
                advanced = orders.advanceDue(settings.stepDelay(), BATCH);
            } while (advanced.size() == BATCH);
        } catch (RuntimeException e) {
            log.warn("Fulfilment poll failed; trying again in {}: {}", settings.pollInterval(), e.getMessage());
        }
    }

    @Override
    public void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }

    @Override
    public boolean isRunning() {
        return scheduler != null;
    }
}
