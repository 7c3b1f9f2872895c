package dev.grocer.client;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;

/** Collects what a stream delivers, for the demo's steps that wait for a particular message or the end. */
final class StreamCollector<T> implements StreamObserver<T> {

    private final List<T> messages = new ArrayList<>();
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile Throwable error;

    @Override
    public synchronized void onNext(T value) {
        messages.add(value);
        notifyAll();
    }

    @Override
    public void onError(Throwable t) {
        error = t;
        ended.countDown();
        synchronized (this) {
            notifyAll();
        }
    }

    @Override
    public void onCompleted() {
        ended.countDown();
    }

    synchronized List<T> messages() {
        return List.copyOf(messages);
    }

    synchronized void awaitMessage(Predicate<T> wanted, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (messages.stream().noneMatch(wanted)) {
            long left = deadline - System.nanoTime();
            if (error != null || left <= 0) {
                throw new DemoScript.StepFailed("did not receive " + what
                        + (error == null ? " within 10 s" : ": " + RpcErrorText.describe(error).get(0)));
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DemoScript.StepFailed("interrupted while waiting for " + what);
            }
        }
    }

    void awaitEnd(String what) {
        awaitEnd(what, TimeUnit.SECONDS.toMillis(10));
    }

    void awaitEnd(String what, long millis) {
        try {
            if (!ended.await(millis, TimeUnit.MILLISECONDS)) {
                throw new DemoScript.StepFailed(what + " did not end within " + millis / 1000 + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DemoScript.StepFailed("interrupted while waiting for " + what);
        }
        if (error instanceof StatusRuntimeException sre) {
            throw sre;
        }
        if (error != null) {
            throw new DemoScript.StepFailed(what + " failed: " + error);
        }
    }

    T awaitSingle(String what) {
        awaitEnd(what);
        List<T> all = messages();
        DemoScript.check(all.size() == 1, what + " answered " + all.size() + " messages");
        return all.get(0);
    }
}
