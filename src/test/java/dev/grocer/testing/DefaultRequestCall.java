package dev.grocer.testing;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;

/**
 * Any RPC called with its request type's default message, whatever its kind (unary or streaming): for
 * checks that hold for every method of a service, such as who may call it. Only for calls that end by
 * themselves (refused, invalid, or a finite stream).
 *
 * @param status the status the call ended with
 * @param details the google.rpc.Status of its trailers, or {@code null}
 */
public record DefaultRequestCall(Status status, com.google.rpc.Status details) {

    /** Calls {@code method} with one default request and returns how the call ended. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static DefaultRequestCall of(Channel channel, MethodDescriptor<?, ?> method, CallOptions options) {
        Object request = ((MethodDescriptor.PrototypeMarshaller) method.getRequestMarshaller()).getMessagePrototype();
        ClientCall call = channel.newCall(method, options.withDeadlineAfter(10, TimeUnit.SECONDS));
        CompletableFuture<DefaultRequestCall> closed = new CompletableFuture<>();
        call.start(new ClientCall.Listener() {
            @Override
            public void onClose(Status status, Metadata trailers) {
                closed.complete(new DefaultRequestCall(status, StatusProto.fromStatusAndTrailers(status, trailers)));
            }
        }, new Metadata());
        call.request(Integer.MAX_VALUE);
        call.sendMessage(request);
        call.halfClose();
        return closed.join();
    }
}
