package dev.grocer.bench;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import org.HdrHistogram.Recorder;

/**
 * The HTTP counterpart of {@link LoadGenerator}: a closed loop on the JDK's {@link HttpClient} over HTTP/1.1 (as a
 * browser or curl calls grocer's HTTP port), keeping {@code inFlight} requests outstanding, each on a connection of
 * its own, every completed one starting the next until the time is up. A reply other than 200 is an error.
 */
final class HttpLoadGenerator {

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    LoadGenerator.Result run(Supplier<HttpRequest> request, int inFlight, Duration duration)
            throws InterruptedException {
        Recorder recorder = new Recorder(TimeUnit.SECONDS.toNanos(60), 3);
        LongAdder calls = new LongAdder();
        LongAdder errors = new LongAdder();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        CountDownLatch finished = new CountDownLatch(inFlight);
        for (int i = 0; i < inFlight; i++) {
            next(request, recorder, calls, errors, end, finished);
        }
        if (!finished.await(duration.toSeconds() + 60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("requests still outstanding a minute after the run");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new LoadGenerator.Result(calls.sum(), errors.sum(), seconds, recorder.getIntervalHistogram());
    }

    private void next(Supplier<HttpRequest> request, Recorder recorder, LongAdder calls, LongAdder errors, long end,
            CountDownLatch finished) {
        long begun = System.nanoTime();
        if (begun >= end) {
            finished.countDown();
            return;
        }
        client.sendAsync(request.get(), HttpResponse.BodyHandlers.ofByteArray()).whenComplete((response, error) -> {
            if (error == null && response.statusCode() == 200) {
                recorder.recordValue(System.nanoTime() - begun);
                calls.increment();
            } else {
                errors.increment();
            }
            next(request, recorder, calls, errors, end, finished);
        });
    }
}
