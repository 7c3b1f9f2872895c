package dev.grocer.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Function;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

/**
 * A closed-loop load generator on grpc-java's async API: {@code connections} channels, each keeping
 * {@code inFlight} calls outstanding; every completed call starts the next until the time is up.
 * Latency goes into an HdrHistogram {@link Recorder}, which many threads may record into at once.
 */
final class LoadGenerator implements AutoCloseable {

    /** The outcome of one run. */
    record Result(long calls, long errors, double seconds, Histogram latencyNanos) {
        double callsPerSecond() {
            return calls / seconds;
        }

        double percentileMillis(double percentile) {
            return latencyNanos.getValueAtPercentile(percentile) / 1_000_000.0;
        }
    }

    private final List<ManagedChannel> channels = new ArrayList<>();

    LoadGenerator(int port, int connections) {
        for (int i = 0; i < connections; i++) {
            // One channel is one HTTP/2 connection; directExecutor runs callbacks on the event loop, so
            // the generator itself costs as little as it can.
            channels.add(NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().directExecutor()
                    .flowControlWindow(1 << 20).build());
        }
    }

    List<ManagedChannel> channels() {
        return channels;
    }

    /**
     * Runs the calls that {@code call} makes on a channel, {@code inFlight} at a time per channel,
     * for {@code duration}, and reports throughput and latency.
     */
    <T> Result run(Function<ManagedChannel, ListenableFuture<T>> call, int inFlight, Duration duration)
            throws InterruptedException {
        return closedLoop(channels.size() * inFlight, duration, (loop, done) -> Futures.addCallback(
                call.apply(channels.get(loop % channels.size())), new FutureCallback<T>() {
                    @Override
                    public void onSuccess(T result) {
                        done.accept(true);
                    }

                    @Override
                    public void onFailure(Throwable t) {
                        done.accept(false);
                    }
                }, MoreExecutors.directExecutor()));
    }

    /** Starts one call of loop {@code loop}, and tells {@code done} whether it succeeded once it has ended. */
    interface CallStarter {
        void start(int loop, Consumer<Boolean> done);
    }

    /**
     * A closed loop: {@code loops} calls outstanding, every ended one starting the next in its loop until
     * {@code duration} is up; the latency of each call that succeeded goes into an HdrHistogram {@link Recorder},
     * which many threads may record into at once. Shared by this generator and {@link HttpLoadGenerator}.
     */
    static Result closedLoop(int loops, Duration duration, CallStarter starter) throws InterruptedException {
        Recorder recorder = new Recorder(TimeUnit.SECONDS.toNanos(60), 3);
        LongAdder calls = new LongAdder();
        LongAdder errors = new LongAdder();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        CountDownLatch finished = new CountDownLatch(loops);
        for (int loop = 0; loop < loops; loop++) {
            next(loop, starter, recorder, calls, errors, end, finished);
        }
        if (!finished.await(duration.toSeconds() + 60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("calls still outstanding a minute after the run");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(calls.sum(), errors.sum(), seconds, recorder.getIntervalHistogram());
    }

    private static void next(int loop, CallStarter starter, Recorder recorder, LongAdder calls, LongAdder errors,
            long end, CountDownLatch finished) {
        long begun = System.nanoTime();
        if (begun >= end) {
            finished.countDown();
            return;
        }
        starter.start(loop, succeeded -> {
            if (succeeded) {
                recorder.recordValue(System.nanoTime() - begun);
                calls.increment();
            } else {
                errors.increment();
            }
            next(loop, starter, recorder, calls, errors, end, finished);
        });
    }

    @Override
    public void close() throws InterruptedException {
        for (ManagedChannel channel : channels) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
