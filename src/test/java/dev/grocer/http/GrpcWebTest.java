package dev.grocer.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;

import dev.grocer.greeter.v1.SayHelloRequest;
import dev.grocer.greeter.v1.SayHelloResponse;
import dev.grocer.testing.HttpApi;
import dev.grocer.testing.RpcError;
import dev.grocer.testing.TestServer;
import dev.grocer.user.v1.GetUserRequest;
import dev.grocer.user.v1.ListUsersRequest;
import dev.grocer.user.v1.ListUsersResponse;
import dev.grocer.user.v1.User;
import dev.grocer.user.v1.UserServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;

/**
 * gRPC-Web on the HTTP port, spoken by hand with the JDK's HTTP client as a browser's gRPC-Web client speaks it:
 * frames of a flag byte, a length and a message; binary and base64 ({@code grpc-web-text}); unary and server
 * streaming; the status in a trailers frame with the {@code google.rpc.Status} details a gRPC client gets; what
 * gRPC-Web cannot carry refused as UNIMPLEMENTED; CORS for the configured origin only.
 */
class GrpcWebTest {

    private static final String ORIGIN = "http://shop.example";
    private static TestServer server;
    private static ManagedChannel channel;
    private static HttpApi http;

    @BeforeAll
    static void start() {
        server = TestServer.start("--grocer.http.cors.allowed-origins=" + ORIGIN);
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
        http = new HttpApi(server.httpPort());
    }

    @AfterAll
    static void stop() {
        channel.shutdownNow();
        server.close();
    }

    /** A gRPC-Web reply taken apart: HTTP status and headers, the message frames, the trailers. */
    record WebReply(int httpStatus, String contentType, List<byte[]> messages, Map<String, String> trailers) {
        int grpcStatus() {
            return Integer.parseInt(trailers.get("grpc-status"));
        }

        RpcError error() {
            try {
                com.google.rpc.Status status = com.google.rpc.Status.parseFrom(
                        Base64.getDecoder().decode(trailers.get("grpc-status-details-bin")));
                assertThat(status.getCode()).isEqualTo(grpcStatus());
                return RpcError.of(status);
            } catch (InvalidProtocolBufferException e) {
                throw new AssertionError(e);
            }
        }
    }

    private static byte[] frame(byte[] message) {
        return ByteBuffer.allocate(5 + message.length).put((byte) 0).putInt(message.length).put(message).array();
    }

    private static WebReply call(String method, byte[] body, boolean text, String... headers) {
        String type = text ? "application/grpc-web-text" : "application/grpc-web+proto";
        List<String> all = new ArrayList<>(List.of("content-type", type, "x-grpc-web", "1"));
        all.addAll(List.of(headers));
        HttpResponse<byte[]> response = http.exchangeBytes("POST", "/" + method,
                text ? Base64.getEncoder().encode(body) : body, all.toArray(String[]::new));
        byte[] reply = response.body();
        if (text) {
            // Each frame is base64 on its own (padded), as a server may send them.
            ByteArrayOutputStream decoded = new ByteArrayOutputStream();
            String chunks = new String(reply, StandardCharsets.US_ASCII);
            int start = 0;
            while (start < chunks.length()) {
                byte[] header = Base64.getDecoder().decode(chunks.substring(start, start + 8));
                int length = ByteBuffer.wrap(header, 1, 4).getInt();
                int chunk = (5 + length + 2) / 3 * 4;
                decoded.writeBytes(Base64.getDecoder().decode(chunks.substring(start, start + chunk)));
                start += chunk;
            }
            reply = decoded.toByteArray();
        }
        List<byte[]> messages = new ArrayList<>();
        Map<String, String> trailers = new LinkedHashMap<>();
        ByteBuffer frames = ByteBuffer.wrap(reply);
        while (frames.hasRemaining()) {
            int flags = frames.get() & 0xff;
            byte[] payload = new byte[frames.getInt()];
            frames.get(payload);
            if (flags == 0x80) {
                assertThat(frames.hasRemaining()).as("the trailers frame is the last").isFalse();
                for (String line : new String(payload, StandardCharsets.US_ASCII).split("\r\n")) {
                    int colon = line.indexOf(':');
                    trailers.put(line.substring(0, colon), line.substring(colon + 1));
                }
            } else {
                assertThat(flags).isZero();
                assertThat(trailers).as("no message after the trailers").isEmpty();
                messages.add(payload);
            }
        }
        assertThat(trailers).containsKey("grpc-status");
        return new WebReply(response.statusCode(), response.headers().firstValue("content-type").orElse(null),
                messages, trailers);
    }

    @Test
    void unarySayHelloInBinaryAndInText() throws Exception {
        byte[] request = frame(SayHelloRequest.newBuilder().setName("Ada").build().toByteArray());

        for (boolean text : List.of(false, true)) {
            WebReply reply = call("grocer.greeter.v1.GreeterService/SayHello", request, text);

            assertThat(reply.httpStatus()).isEqualTo(200);
            assertThat(reply.contentType()).isEqualTo(text ? "application/grpc-web-text+proto"
                    : "application/grpc-web+proto");
            assertThat(reply.messages()).hasSize(1);
            assertThat(SayHelloResponse.parseFrom(reply.messages().get(0)).getMessage()).isEqualTo("Hello, Ada!");
            assertThat(reply.trailers()).isEqualTo(Map.of("grpc-status", "0"));
        }
    }

    @Test
    void listUsersStreamsAFramePerUser() throws Exception {
        UserServiceGrpc.UserServiceBlockingStub users = UserServiceGrpc.newBlockingStub(channel);
        for (String name : List.of("Web One", "Web Two", "Web Three")) {
            users.createUser(dev.grocer.user.v1.CreateUserRequest.newBuilder().setUser(User.newBuilder()
                    .setDisplayName(name).setEmail(name.replace(' ', '.') + "@example.com")).build());
        }
        List<User> overGrpc = new ArrayList<>();
        users.listUsers(ListUsersRequest.getDefaultInstance()).forEachRemaining(r -> overGrpc.add(r.getUser()));

        WebReply reply = call("grocer.user.v1.UserService/ListUsers",
                frame(ListUsersRequest.getDefaultInstance().toByteArray()), true);

        assertThat(reply.grpcStatus()).isZero();
        List<User> overWeb = new ArrayList<>();
        for (byte[] message : reply.messages()) {
            overWeb.add(ListUsersResponse.parseFrom(message).getUser());
        }
        assertThat(overWeb).hasSize(overGrpc.size()).containsExactlyElementsOf(overGrpc);
    }

    @Test
    void anErrorIsInTheTrailersWithTheSameDetailsAsGrpc() {
        GetUserRequest request = GetUserRequest.newBuilder().setId("01890000-0000-7000-8000-000000000000").build();

        WebReply reply = call("grocer.user.v1.UserService/GetUser", frame(request.toByteArray()), false);

        assertThat(reply.httpStatus()).isEqualTo(200);
        assertThat(reply.messages()).isEmpty();
        assertThat(reply.grpcStatus()).isEqualTo(5);
        RpcError overGrpc = RpcError.of(() -> UserServiceGrpc.newBlockingStub(channel).getUser(request));
        assertThat(reply.error()).isEqualTo(overGrpc);
        // grpc-message is percent-encoded as in gRPC: the quotes around the id stay, nothing else to encode.
        assertThat(reply.trailers().get("grpc-message")).isEqualTo(overGrpc.message());
    }

    @Test
    void bytesThatAreNotTheRequestMessageAreRefusedAsOverGrpc() {
        WebReply reply = call("grocer.user.v1.UserService/GetUser", frame(new byte[] {(byte) 0xff, 0x01, 0x02}), false);

        assertThat(reply.grpcStatus()).isEqualTo(3);
        ErrorInfo info = reply.error().errorInfo();
        assertThat(info.getReason()).isEqualTo("MALFORMED_REQUEST");
        assertThat(info.getMetadataMap()).containsEntry("method", "grocer.user.v1.UserService/GetUser");

        WebReply none = call("grocer.user.v1.UserService/GetUser", new byte[0], false);
        assertThat(none.grpcStatus()).isEqualTo(3);
        assertThat(none.error().message()).isEqualTo(
                "grocer.user.v1.UserService/GetUser takes exactly one request message; the call sent none");
    }

    @Test
    void streamsFromTheClientAndUnknownMethodsAreUnimplemented() {
        WebReply chat = call("grocer.user.v1.UserService/ChatStream", new byte[0], false);
        assertThat(chat.grpcStatus()).isEqualTo(12);
        assertThat(chat.trailers().get("grpc-message")).isEqualTo("no unary or server-streaming method"
                + " grocer.user.v1.UserService/ChatStream over gRPC-Web (client and bidirectional streams are gRPC only)");

        WebReply unknown = call("grocer.user.v1.UserService/Teleport", new byte[0], false);
        assertThat(unknown.grpcStatus()).isEqualTo(12);
    }

    @Test
    void aTruncatedFrameIsRefused() {
        WebReply reply = call("grocer.greeter.v1.GreeterService/SayHello", new byte[] {0, 0, 0, 0, 9, 1}, false);

        assertThat(reply.grpcStatus()).isEqualTo(3);
        assertThat(reply.trailers().get("grpc-message")).isEqualTo(
                "header content-length: a gRPC-Web frame is longer than the body");
        assertThat(reply.error().errorInfo().getReason()).isEqualTo("MALFORMED_REQUEST");
    }

    @Test
    void corsAllowsTheConfiguredOriginOnly() {
        HttpApi.Reply allowed = http.send("OPTIONS", "/grocer.greeter.v1.GreeterService/SayHello", "",
                "origin", ORIGIN, "access-control-request-method", "POST",
                "access-control-request-headers", "content-type,x-grpc-web");
        assertThat(allowed.status()).isEqualTo(200);
        assertThat(allowed.header("access-control-allow-origin")).isEqualTo(ORIGIN);
        assertThat(allowed.header("access-control-allow-headers")).isEqualTo("content-type, x-grpc-web");

        HttpApi.Reply json = http.send("OPTIONS", "/v1/users", "", "origin", ORIGIN,
                "access-control-request-method", "POST", "access-control-request-headers", "content-type");
        assertThat(json.status()).isEqualTo(200);
        assertThat(json.header("access-control-allow-origin")).isEqualTo(ORIGIN);

        HttpApi.Reply refused = http.send("OPTIONS", "/v1/users", "", "origin", "http://evil.example",
                "access-control-request-method", "POST");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.header("access-control-allow-origin")).isNull();
    }
}
