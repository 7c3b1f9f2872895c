package dev.grocer.http;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.MediaType;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

/**
 * gRPC-Web (the protocol of grpc-web's and Connect's browser clients and of {@code buf curl --protocol grpcweb}) on
 * the HTTP port, for unary and server-streaming methods: {@code POST /<service>/<method>} with
 * {@code application/grpc-web} ({@code +proto}) or its base64 form {@code application/grpc-web-text}. The request's
 * frames go to the service as they are, through {@link GrpcBridge}, so a message that does not parse is refused
 * exactly as over gRPC; the reply is HTTP 200 with the server's headers, one frame per message and a last frame
 * with the trailers ({@code grpc-status}, {@code grpc-message}, {@code grpc-status-details-bin}). In the text form
 * each frame is base64 on its own.
 *
 * <p>Written here because no Java library serves gRPC-Web in a servlet container: grpc-java has no gRPC-Web
 * transport, and Armeria's needs Armeria's own server. A stream holds its request thread while it lasts (a virtual
 * thread where Spring Boot's {@code spring.threads.virtual.enabled} is on, as with the postgres store on JDK 21+).
 */
final class GrpcWeb {

    static final String MEDIA_TYPE = "application/grpc-web";
    private static final String TEXT_MEDIA_TYPE = "application/grpc-web-text";
    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw Status.INTERNAL.withDescription("could not read a reply").withCause(e).asRuntimeException();
            }
        }
    };
    private static final Object HEADERS_SENT = new Object();
    /** Metadata the gRPC layer itself adds or that the HTTP response says another way. */
    private static final Set<String> NOT_FORWARDED = Set.of("grpc-status", "grpc-message",
            "content-type", "grpc-encoding", "grpc-accept-encoding", "content-length");

    private final Map<String, MethodDescriptor<byte[], byte[]>> methods;
    private final GrpcBridge bridge;
    private final CallHeaders headers;
    private final RequestBodies bodies;

    /** @param methods the unary and server-streaming methods, by full name */
    GrpcWeb(List<MethodDescriptor<?, ?>> methods, GrpcBridge bridge, CallHeaders headers, RequestBodies bodies) {
        this.methods = new HashMap<>();
        for (MethodDescriptor<?, ?> method : methods) {
            this.methods.put(method.getFullMethodName(),
                    MethodDescriptor.newBuilder(BYTES, BYTES).setFullMethodName(method.getFullMethodName())
                            .setType(method.getType()).setIdempotent(method.isIdempotent())
                            .setSafe(method.isSafe()).build());
        }
        this.bridge = bridge;
        this.headers = headers;
        this.bodies = bodies;
    }

    /** Whether a request is gRPC-Web: by its media type, as a gRPC-Web client sends no other sign. */
    static boolean isGrpcWeb(ServerRequest request) {
        String type = request.servletRequest().getContentType();
        return type != null && type.toLowerCase(Locale.ROOT).startsWith(MEDIA_TYPE);
    }

    ServerResponse handle(ServerRequest request) {
        String type = request.servletRequest().getContentType().toLowerCase(Locale.ROOT);
        boolean text = type.startsWith(TEXT_MEDIA_TYPE);
        String replyType = text ? TEXT_MEDIA_TYPE + "+proto" : MEDIA_TYPE + "+proto";
        String name = request.path().substring(1);
        MethodDescriptor<byte[], byte[]> method = methods.get(name);
        if (type.contains("+json") || type.startsWith(MEDIA_TYPE + "+") && !type.startsWith(MEDIA_TYPE + "+proto")
                || type.startsWith(TEXT_MEDIA_TYPE + "+") && !type.startsWith(TEXT_MEDIA_TYPE + "+proto")) {
            return trailersOnly(replyType, text, Status.UNIMPLEMENTED.withDescription(
                    "gRPC-Web here is protobuf only: send application/grpc-web+proto or application/grpc-web-text"));
        }
        if (method == null) {
            return trailersOnly(replyType, text, Status.UNIMPLEMENTED.withDescription("no unary or server-streaming"
                    + " method " + name + " over gRPC-Web (client and bidirectional streams are gRPC only)"));
        }
        List<byte[]> messages;
        Metadata metadata;
        CallOptions options;
        try {
            byte[] body = bodies.bytes(request.servletRequest());
            messages = frames(text ? decode(body) : body);
            metadata = headers.grpcWeb(request.servletRequest());
            options = CallHeaders.options(request.servletRequest());
        } catch (BadHttpRequest bad) {
            // The same status and details as over HTTP/JSON, in gRPC's form: grpc-status-details-bin.
            StatusRuntimeException rich = StatusProto.toStatusRuntimeException(bad.status());
            return trailersOnly(replyType, text, rich.getStatus(), rich.getTrailers());
        }
        Relay relay = new Relay();
        ClientCall<byte[], byte[]> call = bridge.channel().newCall(method, options);
        call.start(relay, metadata);
        call.request(1);
        for (byte[] message : messages) {
            call.sendMessage(message);
        }
        call.halfClose();
        return ServerResponse.ok().contentType(MediaType.parseMediaType(replyType))
                .build((servletRequest, response) -> {
                    relay.write(call, response, text);
                    return null;
                });
    }

    private static ServerResponse trailersOnly(String replyType, boolean text, Status status) {
        return trailersOnly(replyType, text, status, new Metadata());
    }

    private static ServerResponse trailersOnly(String replyType, boolean text, Status status, Metadata trailers) {
        return ServerResponse.ok().contentType(MediaType.parseMediaType(replyType))
                .build((request, response) -> {
                    OutputStream out = response.getOutputStream();
                    out.write(frame(0x80, trailers(status, trailers), text));
                    out.flush();
                    return null;
                });
    }

    private static byte[] decode(byte[] base64) throws BadHttpRequest {
        try {
            // A client may send several base64 chunks, each padded: decode them one by one.
            ByteArrayOutputStream out = new ByteArrayOutputStream(base64.length);
            String all = new String(base64, StandardCharsets.US_ASCII).replaceAll("\\s", "");
            int start = 0;
            while (start < all.length()) {
                int end = start;
                while (end < all.length() && all.charAt(end) != '=') {
                    end++;
                }
                while (end < all.length() && all.charAt(end) == '=') {
                    end++;
                }
                out.writeBytes(Base64.getDecoder().decode(all.substring(start, end)));
                start = end;
            }
            return out.toByteArray();
        } catch (IllegalArgumentException e) {
            throw BadHttpRequest.header("content-type", "the body is not base64, as application/grpc-web-text"
                    + " requires");
        }
    }

    /** The messages of a request body: frames of a flag byte, a 4-byte length and the message. */
    private static List<byte[]> frames(byte[] body) throws BadHttpRequest {
        List<byte[]> messages = new ArrayList<>();
        ByteBuffer frames = ByteBuffer.wrap(body);
        while (frames.hasRemaining()) {
            if (frames.remaining() < 5) {
                throw BadHttpRequest.header("content-length", "the body ends inside a gRPC-Web frame header");
            }
            int flags = frames.get() & 0xff;
            int length = frames.getInt();
            if (length < 0 || length > frames.remaining()) {
                throw BadHttpRequest.header("content-length", "a gRPC-Web frame is longer than the body");
            }
            byte[] message = new byte[length];
            frames.get(message);
            if ((flags & 0x80) != 0) {
                continue; // a trailers frame from a client carries nothing a call uses
            }
            if ((flags & 0x01) != 0) {
                throw BadHttpRequest.header("grpc-encoding", "compressed gRPC-Web messages are not supported");
            }
            messages.add(message);
        }
        return messages;
    }

    private static byte[] frame(int flags, byte[] payload, boolean text) {
        ByteBuffer frame = ByteBuffer.allocate(5 + payload.length);
        frame.put((byte) flags).putInt(payload.length).put(payload);
        return text ? Base64.getEncoder().encode(frame.array()) : frame.array();
    }

    /** The trailers frame's text: HTTP/1 header lines, status first. */
    private static byte[] trailers(Status status, Metadata trailers) {
        StringBuilder text = new StringBuilder();
        text.append("grpc-status:").append(status.getCode().value()).append("\r\n");
        if (status.getDescription() != null) {
            text.append("grpc-message:").append(percentEncode(status.getDescription())).append("\r\n");
        }
        appendHeaders(trailers, (key, value) -> text.append(key).append(':').append(value).append("\r\n"));
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private interface HeaderSink {
        void put(String key, String value);
    }

    private static void appendHeaders(Metadata metadata, HeaderSink sink) {
        for (String key : metadata.keys()) {
            if (NOT_FORWARDED.contains(key)) {
                continue;
            }
            if (key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
                for (byte[] value : metadata.getAll(Metadata.Key.of(key, Metadata.BINARY_BYTE_MARSHALLER))) {
                    sink.put(key, Base64.getEncoder().encodeToString(value));
                }
            } else {
                for (String value : metadata.getAll(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER))) {
                    sink.put(key, value);
                }
            }
        }
    }

    /** gRPC's encoding of grpc-message: UTF-8, with every byte outside printable ASCII and '%' as %XX. */
    private static String percentEncode(String message) {
        StringBuilder encoded = new StringBuilder(message.length());
        for (byte b : message.getBytes(StandardCharsets.UTF_8)) {
            if (b >= ' ' && b < '~' + 1 && b != '%') {
                encoded.append((char) b);
            } else {
                encoded.append('%').append(String.format(Locale.ROOT, "%02X", b & 0xff));
            }
        }
        return encoded.toString();
    }

    /** Hands the call's events to the request thread, which writes them; one message at a time (flow control). */
    private static final class Relay extends ClientCall.Listener<byte[]> {
        private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        private volatile Metadata headers;

        @Override
        public void onHeaders(Metadata headers) {
            this.headers = headers;
            events.add(HEADERS_SENT);
        }

        @Override
        public void onMessage(byte[] message) {
            events.add(message);
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
            events.add(new Ended(status, trailers));
        }

        void write(ClientCall<byte[], byte[]> call, HttpServletResponse response, boolean text)
                throws InterruptedException {
            try {
                OutputStream out = null;
                while (true) {
                    Object event = events.take();
                    if (event == HEADERS_SENT) {
                        appendHeaders(headers, response::addHeader);
                    } else if (event instanceof byte[] message) {
                        out = out == null ? response.getOutputStream() : out;
                        out.write(frame(0x00, message, text));
                        out.flush();
                        call.request(1);
                    } else if (event instanceof Ended ended) {
                        out = out == null ? response.getOutputStream() : out;
                        out.write(frame(0x80, trailers(ended.status(), ended.trailers()), text));
                        out.flush();
                        return;
                    }
                }
            } catch (IOException e) {
                call.cancel("the HTTP client went away", e);
            } catch (InterruptedException e) {
                call.cancel("the HTTP request was interrupted", e);
                throw e;
            }
        }
    }

    private record Ended(Status status, Metadata trailers) {}
}
