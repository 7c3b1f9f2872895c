package dev.grocer.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
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
        Recorder recorder = new Recorder(TimeUnit.SECONDS.toNanos(60), 3);
        LongAdder calls = new LongAdder();
        LongAdder errors = new LongAdder();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        CountDownLatch finished = new CountDownLatch(channels.size() * inFlight);
        for (ManagedChannel channel : channels) {
            for (int i = 0; i < inFlight; i++) {
                next(channel, call, recorder, calls, errors, end, finished);
            }
        }
        if (!finished.await(duration.toSeconds() + 60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("calls still outstanding a minute after the run");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(calls.sum(), errors.sum(), seconds, recorder.getIntervalHistogram());
    }

    private <T> void next(ManagedChannel channel, Function<ManagedChannel, ListenableFuture<T>> call, Recorder recorder,
            LongAdder calls, LongAdder errors, long end, CountDownLatch finished) {
        long begun = System.nanoTime();
        if (begun >= end) {
            finished.countDown();
            return;
        }
        Futures.addCallback(call.apply(channel), new FutureCallback<T>() {
            @Override
            public void onSuccess(T result) {
                recorder.recordValue(System.nanoTime() - begun);
                calls.increment();
                next(channel, call, recorder, calls, errors, end, finished);
            }

            @Override
            public void onFailure(Throwable t) {
                errors.increment();
                next(channel, call, recorder, calls, errors, end, finished);
            }
        }, MoreExecutors.directExecutor());
    }

    @Override
    public void close() throws InterruptedException {
        for (ManagedChannel channel : channels) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
