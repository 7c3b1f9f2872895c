package dev.grocer.grpc.server;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import com.google.protobuf.Message;

import dev.grocer.grpc.GrpcErrors;
import dev.grocer.grpc.MalformedRequestException;
import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.SecurityLevel;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * Moves the parsing of request messages from the transport into the call's listener, where a message
 * that does not parse becomes a status like any other bad input.
 *
 * <p>grpc-java parses each request before any interceptor's listener sees it; bytes that are not the
 * expected protobuf (or a string field that is not UTF-8) then fail outside every interceptor, and the
 * client gets UNKNOWN "Application error processing RPC" while the server logs a stack trace. A service
 * wrapped here receives the raw message as an {@link InputStream} instead (the same idea as grpc-java's
 * {@code ServerInterceptors.useInputStreamMessages}, without its copy of every response) and parses it
 * itself, inside the interceptors: a parse failure closes the call with INVALID_ARGUMENT, reason
 * {@code MALFORMED_REQUEST}, mapped by {@link GrpcErrors}, so the access log and the metrics see it. The
 * service method is told the call was cancelled (so streams clean up) and hears nothing more of it.
 * A unary or server-streaming call with no request message or more than one is rejected the same way
 * (grpc-java's own handlers would answer INTERNAL, a server fault, for the client's mistake).
 */
final class RequestParsing {

    private static final MethodDescriptor.Marshaller<InputStream> RAW = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(InputStream value) {
            return value;
        }

        @Override
        public InputStream parse(InputStream stream) {
            return stream;
        }
    };

    private RequestParsing() {}

    /** The same service, taking raw request messages and parsing them inside the listener. */
    static ServerServiceDefinition insideListener(ServerServiceDefinition service) {
        ServiceDescriptor original = service.getServiceDescriptor();
        ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(original.getName())
                .setSchemaDescriptor(original.getSchemaDescriptor()); // reflection reads the schema here
        List<ServerMethodDefinition<InputStream, ?>> methods = new ArrayList<>();
        for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
            ServerMethodDefinition<InputStream, ?> raw = raw(method);
            descriptor.addMethod(raw.getMethodDescriptor());
            methods.add(raw);
        }
        ServerServiceDefinition.Builder wrapped = ServerServiceDefinition.builder(descriptor.build());
        methods.forEach(wrapped::addMethod);
        return wrapped.build();
    }

    private static <ReqT, RespT> ServerMethodDefinition<InputStream, RespT> raw(
            ServerMethodDefinition<ReqT, RespT> definition) {
        MethodDescriptor<ReqT, RespT> method = definition.getMethodDescriptor();
        MethodDescriptor<InputStream, RespT> raw = method.toBuilder(RAW, method.getResponseMarshaller()).build();
        ServerCallHandler<ReqT, RespT> handler = definition.getServerCallHandler();
        return ServerMethodDefinition.create(raw, (call, headers) -> {
            ServerCall.Listener<ReqT> listener = handler.startCall(new TypedCall<>(call, method), headers);
            return new ParsingListener<>(listener, call, method);
        });
    }

    /** The name of the message type a method expects, for the error message. */
    private static String messageType(MethodDescriptor<?, ?> method) {
        if (method.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<?> prototype
                && prototype.getMessagePrototype() instanceof Message message) {
            return message.getDescriptorForType().getFullName();
        }
        return null;
    }

    /** Parses each raw message and hands it to the service's listener; a bad one ends the call. */
    private static final class ParsingListener<ReqT, RespT> extends ServerCall.Listener<InputStream> {

        private final ServerCall.Listener<ReqT> delegate;
        private final ServerCall<InputStream, RespT> call;
        private final MethodDescriptor<ReqT, RespT> method;
        // Listener callbacks never run concurrently (grpc-java serializes them), so no synchronization.
        private boolean rejected;
        private int received;

        ParsingListener(ServerCall.Listener<ReqT> delegate, ServerCall<InputStream, RespT> call,
                MethodDescriptor<ReqT, RespT> method) {
            this.delegate = delegate;
            this.call = call;
            this.method = method;
        }

        @Override
        public void onMessage(InputStream message) {
            if (rejected) {
                return;
            }
            int index = received++;
            if (method.getType().clientSendsOneMessage() && index > 0) {
                reject(MalformedRequestException.wrongMessageCount(method.getFullMethodName(), messageType(method),
                        false));
                return;
            }
            ReqT request;
            try {
                request = method.parseRequest(message);
            } catch (RuntimeException e) {
                reject(MalformedRequestException.unparsable(method.getFullMethodName(), messageType(method), index,
                        e));
                return;
            }
            delegate.onMessage(request);
        }

        @Override
        public void onHalfClose() {
            if (rejected) {
                return;
            }
            if (method.getType().clientSendsOneMessage() && received == 0) {
                reject(MalformedRequestException.wrongMessageCount(method.getFullMethodName(), messageType(method),
                        true));
                return;
            }
            delegate.onHalfClose();
        }

        private void reject(MalformedRequestException malformed) {
            rejected = true;
            // The service sees what a client that left would look like, so its streams clean up.
            delegate.onCancel();
            StatusRuntimeException error = GrpcErrors.toStatusRuntimeException(malformed);
            try {
                call.close(error.getStatus(), error.getTrailers() == null ? new Metadata() : error.getTrailers());
            } catch (IllegalStateException alreadyClosed) {
                // The service had already ended the call (e.g. BATCH_TOO_LARGE) when this message arrived.
            }
        }

        @Override
        public void onCancel() {
            if (!rejected) {
                delegate.onCancel();
            }
        }

        @Override
        public void onComplete() {
            if (!rejected) {
                delegate.onComplete();
            }
        }

        @Override
        public void onReady() {
            if (!rejected) {
                delegate.onReady();
            }
        }
    }

    /** The call as the service method knows it: typed requests, everything else the raw call's. */
    private static final class TypedCall<ReqT, RespT> extends ServerCall<ReqT, RespT> {

        private final ServerCall<InputStream, RespT> raw;
        private final MethodDescriptor<ReqT, RespT> method;

        TypedCall(ServerCall<InputStream, RespT> raw, MethodDescriptor<ReqT, RespT> method) {
            this.raw = raw;
            this.method = method;
        }

        @Override
        public void request(int numMessages) {
            raw.request(numMessages);
        }

        @Override
        public void sendHeaders(Metadata headers) {
            raw.sendHeaders(headers);
        }

        @Override
        public void sendMessage(RespT message) {
            raw.sendMessage(message);
        }

        @Override
        public void close(Status status, Metadata trailers) {
            raw.close(status, trailers);
        }

        @Override
        public boolean isCancelled() {
            return raw.isCancelled();
        }

        @Override
        public boolean isReady() {
            return raw.isReady();
        }

        @Override
        public void setMessageCompression(boolean enabled) {
            raw.setMessageCompression(enabled);
        }

        @Override
        public void setCompression(String compressor) {
            raw.setCompression(compressor);
        }

        @Override
        public void setOnReadyThreshold(int numBytes) {
            raw.setOnReadyThreshold(numBytes);
        }

        @Override
        public SecurityLevel getSecurityLevel() {
            return raw.getSecurityLevel();
        }

        @Override
        public Attributes getAttributes() {
            return raw.getAttributes();
        }

        @Override
        public String getAuthority() {
            return raw.getAuthority();
        }

        @Override
        public MethodDescriptor<ReqT, RespT> getMethodDescriptor() {
            return method;
        }
    }
}
