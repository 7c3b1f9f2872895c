package dev.grocer.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;

/** The pump reads its source only as fast as the transport is ready, and stops for good on cancel. */
class StreamPumpTest {

    /** A server stream whose readiness the test controls; records what was sent. */
    static final class FakeStream extends ServerCallStreamObserver<Integer> {
        final List<Integer> sent = new ArrayList<>();
        int readyFor;
        boolean cancelled;
        boolean completed;
        Throwable error;
        Runnable onReady = () -> {};
        Runnable onCancel = () -> {};

        void makeReady(int messages) {
            readyFor += messages;
            onReady.run();
        }

        void cancelByClient() {
            cancelled = true;
            onCancel.run();
        }

        @Override
        public boolean isReady() {
            return readyFor > 0;
        }

        @Override
        public void onNext(Integer value) {
            assertThat(readyFor).as("sent while not ready").isPositive();
            readyFor--;
            sent.add(value);
        }

        @Override
        public void onError(Throwable t) {
            error = t;
        }

        @Override
        public void onCompleted() {
            completed = true;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public void setOnCancelHandler(Runnable onCancelHandler) {
            onCancel = onCancelHandler;
        }

        @Override
        public void setOnReadyHandler(Runnable onReadyHandler) {
            onReady = onReadyHandler;
        }

        @Override
        public void setCompression(String compression) {}

        @Override
        public void disableAutoInboundFlowControl() {}

        @Override
        public void request(int count) {}

        @Override
        public void setMessageCompression(boolean enable) {}
    }

    /** Counts how far the source was read. */
    static final class CountingSource implements Iterator<Integer> {
        final int size;
        int read;

        CountingSource(int size) {
            this.size = size;
        }

        @Override
        public boolean hasNext() {
            return read < size;
        }

        @Override
        public Integer next() {
            return read++;
        }
    }

    @Test
    void readsNoFurtherThanTheClientIsReadyFor() {
        FakeStream stream = new FakeStream();
        CountingSource source = new CountingSource(1_000);

        StreamPump.start(stream, source);
        assertThat(source.read).isZero();
        stream.makeReady(3);
        stream.makeReady(2);

        assertThat(source.read).isEqualTo(5);
        assertThat(stream.sent).containsExactly(0, 1, 2, 3, 4);
        assertThat(stream.completed).isFalse();
        stream.makeReady(2_000);
        assertThat(stream.sent).containsExactlyElementsOf(IntStream.range(0, 1_000).boxed().toList());
        assertThat(stream.completed).isTrue();
    }

    @Test
    void stopsReadingWhenTheClientCancels() {
        FakeStream stream = new FakeStream();
        CountingSource source = new CountingSource(1_000);
        StreamPump.start(stream, source);
        stream.makeReady(10);

        stream.cancelByClient();
        stream.makeReady(100);

        assertThat(source.read).isEqualTo(10);
        assertThat(stream.completed).isFalse();
        assertThat(stream.error).isNull();
    }

    @Test
    void aFailingSourceEndsTheStreamWithAMappedStatus() {
        FakeStream stream = new FakeStream();
        Iterator<Integer> failing = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Integer next() {
                throw new IllegalStateException("store unavailable");
            }
        };
        StreamPump.start(stream, failing);

        stream.makeReady(1);

        assertThat(Status.fromThrowable(stream.error).getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(Status.fromThrowable(stream.error).getDescription())
                .isEqualTo("internal error; the server has logged the details");
    }
}
