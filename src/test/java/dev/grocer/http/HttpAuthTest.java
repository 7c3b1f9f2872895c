package dev.grocer.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.grocer.testing.HttpApi;
import dev.grocer.testing.HttpApi.Reply;
import dev.grocer.testing.RpcError;
import dev.grocer.testing.TestServer;
import dev.grocer.testing.TestTokens;
import dev.grocer.user.v1.CreateUserRequest;
import dev.grocer.user.v1.User;
import io.grpc.Status;

/**
 * The token check over HTTP is the gRPC one ({@code secure} profile): the {@code authorization} header goes on to
 * the call, and a refusal is 401 (with {@code WWW-Authenticate: Bearer}) or 403 with the same status and details
 * a gRPC client gets.
 */
class HttpAuthTest {

    @TempDir
    static Path dir;

    private static TestTokens issuer;
    private static TestServer server;
    private static HttpApi http;

    @BeforeAll
    static void start() {
        issuer = TestTokens.create(dir, "issuer");
        server = TestServer.start("--spring.profiles.active=secure",
                "--spring.security.oauth2.resourceserver.jwt.public-key-location=" + issuer.publicKeyLocation());
        http = new HttpApi(server.httpPort());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static final String ADA = "{\"displayName\":\"Ada\",\"email\":\"ada@example.com\"}";

    @Test
    void aWriteWithoutATokenIs401AndChangesNothing() {
        Reply reply = http.post("/v1/users", ADA);

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.header("www-authenticate")).isEqualTo("Bearer");
        RpcError error = reply.error();
        assertThat(error.code()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(error.errorInfo().getReason()).isEqualTo("TOKEN_MISSING");
        assertThat(error.message()).isEqualTo("grocer.user.v1.UserService/CreateUser needs a bearer token: send the"
                + " metadata 'authorization: Bearer <JWT>'");
        assertThat(http.get("/v1/users").events()).hasSize(1); // only the status event: no user
    }

    @Test
    void aReadOnlyTokenIs403AndAWriteTokenIsServed() {
        Reply denied = http.post("/v1/users", "{\"displayName\":\"Bob\",\"email\":\"bob@example.com\"}",
                "authorization", "Bearer " + issuer.token("bob", "grocer.read"));
        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.error().errorInfo().getReason()).isEqualTo("MISSING_AUTHORITY");

        Reply bad = http.post("/v1/users", ADA, "authorization", "Bearer not-a-jwt");
        assertThat(bad.status()).isEqualTo(401);
        assertThat(bad.error().errorInfo().getReason()).isEqualTo("TOKEN_INVALID");

        Reply created = http.post("/v1/users", "{\"displayName\":\"Cy\",\"email\":\"cy@example.com\"}",
                "authorization", "Bearer " + issuer.token("cy", "grocer.write"));
        assertThat(created.status()).isEqualTo(200);
        assertThat(created.as(User.getDefaultInstance()).getDisplayName()).isEqualTo("Cy");
    }

    @Test
    void overGrpcWebTheTokenIsAHeaderToo() {
        byte[] message = CreateUserRequest.newBuilder().setUser(User.newBuilder().setDisplayName("Dee")
                .setEmail("dee@example.com")).build().toByteArray();
        byte[] frame = ByteBuffer.allocate(5 + message.length).put((byte) 0).putInt(message.length).put(message)
                .array();

        var refused = http.exchangeBytes("POST", "/grocer.user.v1.UserService/CreateUser", frame,
                "content-type", "application/grpc-web+proto");
        var served = http.exchangeBytes("POST", "/grocer.user.v1.UserService/CreateUser", frame,
                "content-type", "application/grpc-web+proto",
                "authorization", "Bearer " + issuer.token("dee", "grocer.write"));

        assertThat(new String(refused.body(), java.nio.charset.StandardCharsets.ISO_8859_1)).contains("grpc-status:16\r\n");
        assertThat(new String(served.body(), java.nio.charset.StandardCharsets.ISO_8859_1)).contains("grpc-status:0\r\n");
    }
}
