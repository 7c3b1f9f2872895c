package dev.grocer.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;

/**
 * Calls a method with raw bytes as its request messages, whatever they hold: the client side of a
 * peer that sends garbage. The method's own descriptor is copied with a byte-array marshaller, so the
 * bytes reach the server untouched and its answer comes back undecoded.
 */
public final class RawCall {

    /** Bytes in, bytes out. */
    public static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    /**
     * How the call ended.
     *
     * @param status the final status (CANCELLED if the client gave up after the first response, see
     *     {@link #call})
     * @param trailers the trailers, where the google.rpc.Status details travel
     * @param responses the response messages, undecoded
     */
    public record Result(Status status, Metadata trailers, List<byte[]> responses) {}

    private RawCall() {}

    /** The method with byte-array request and response marshallers. */
    public static MethodDescriptor<byte[], byte[]> raw(MethodDescriptor<?, ?> method) {
        return method.toBuilder(BYTES, BYTES).build();
    }

    /**
     * Sends {@code requests} as the request messages of {@code method}, half-closes and waits for the
     * end of the call. With {@code cancelAfterFirstResponse} the client cancels once a response arrived,
     * for streams that would otherwise stay open (a watch, a chat).
     */
    public static Result call(Channel channel, MethodDescriptor<?, ?> method, List<byte[]> requests,
            boolean cancelAfterFirstResponse) {
        ClientCall<byte[], byte[]> call = channel.newCall(raw(method),
                CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS));
        CompletableFuture<Result> done = new CompletableFuture<>();
        List<byte[]> responses = new CopyOnWriteArrayList<>();
        call.start(new ClientCall.Listener<>() {
            @Override
            public void onMessage(byte[] message) {
                responses.add(message);
                if (cancelAfterFirstResponse) {
                    call.cancel("the test has seen enough", null);
                } else {
                    call.request(1);
                }
            }

            @Override
            public void onClose(Status status, Metadata trailers) {
                done.complete(new Result(status, trailers, List.copyOf(responses)));
            }
        }, new Metadata());
        call.request(1);
        for (byte[] request : requests) {
            call.sendMessage(request);
        }
        call.halfClose();
        try {
            return done.get(15, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            call.cancel("the test timed out", e);
            throw new AssertionError("no answer from " + method.getFullMethodName(), e);
        }
    }
}
