package dev.grocer.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;

/**
 * Records what a streaming call delivers to the client, and lets the test read at its own pace
 * ({@link #manualFlowControl}) or cancel, as a real slow or impatient client would.
 */
public final class RecordingObserver<ReqT, RespT> implements ClientResponseObserver<ReqT, RespT> {

    private static final long TIMEOUT_SECONDS = 10;

    private final int initialRequest;
    private final List<RespT> values = new ArrayList<>();
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile Throwable error;
    private volatile ClientCallStreamObserver<ReqT> call;

    private RecordingObserver(int initialRequest) {
        this.initialRequest = initialRequest;
    }

    /** Reads every message as soon as it arrives. */
    public static <ReqT, RespT> RecordingObserver<ReqT, RespT> autoFlowControl() {
        return new RecordingObserver<>(-1);
    }

    /** Reads {@code initial} messages, then only as many as {@link #request} asks for. */
    public static <ReqT, RespT> RecordingObserver<ReqT, RespT> manualFlowControl(int initial) {
        return new RecordingObserver<>(initial);
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<ReqT> requestStream) {
        this.call = requestStream;
        if (initialRequest >= 0) {
            requestStream.disableAutoRequestWithInitial(initialRequest);
        }
    }

    @Override
    public synchronized void onNext(RespT value) {
        values.add(value);
    }

    @Override
    public void onError(Throwable t) {
        error = t;
        done.countDown();
    }

    @Override
    public void onCompleted() {
        done.countDown();
    }

    public synchronized List<RespT> values() {
        return List.copyOf(values);
    }

    public void request(int count) {
        call.request(count);
    }

    public void cancel() {
        call.cancel("the test cancels", null);
    }

    public boolean isDone() {
        return done.getCount() == 0;
    }

    /** Waits {@code quietPeriod} and tells whether at most {@code max} messages arrived by then. */
    public boolean awaitNoMoreThan(int max, Duration quietPeriod) throws InterruptedException {
        done.await(quietPeriod.toMillis(), TimeUnit.MILLISECONDS);
        return values().size() <= max;
    }

    /** Waits for the call to end with an error and returns it. */
    public Throwable awaitError() {
        awaitEnd();
        assertThat(error).as("the call should have failed").isNotNull();
        return error;
    }

    /** Waits for the call to complete normally. */
    public void awaitCompletion() {
        awaitCompletion(Duration.ofSeconds(TIMEOUT_SECONDS));
    }

    /** Waits up to {@code timeout} for the call to complete normally. */
    public void awaitCompletion(Duration timeout) {
        awaitEnd(timeout);
        assertThat(error).as("the call should have completed without error").isNull();
    }

    /** Waits for the call to complete normally with exactly one message, and returns it. */
    public RespT awaitSingle() {
        awaitCompletion();
        assertThat(values()).hasSize(1);
        return values().get(0);
    }

    private void awaitEnd() {
        awaitEnd(Duration.ofSeconds(TIMEOUT_SECONDS));
    }

    private void awaitEnd(Duration timeout) {
        try {
            assertThat(done.await(timeout.toMillis(), TimeUnit.MILLISECONDS)).as("the call should end").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
