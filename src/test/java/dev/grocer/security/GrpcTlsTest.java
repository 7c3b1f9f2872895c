package dev.grocer.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import dev.grocer.greeter.v1.GreeterServiceGrpc;
import dev.grocer.greeter.v1.SayHelloRequest;
import dev.grocer.greeter.v1.SayHelloResponse;
import dev.grocer.testing.TestCertificates;
import dev.grocer.testing.TestServer;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;

/**
 * TLS and mutual TLS, switched on by the starter's {@code grpc.server.security.*} settings alone: a real
 * server on a loopback port with a certificate made for the test, and clients that trust it (or not).
 */
class GrpcTlsTest {

    private static final SayHelloRequest HELLO = SayHelloRequest.newBuilder().setName("Ada").build();
    private static final SayHelloResponse HELLO_ADA = SayHelloResponse.newBuilder().setMessage("Hello, Ada!").build();

    @TempDir
    static Path dir;

    private static TestCertificates server;
    private static TestCertificates client;

    private ManagedChannel channel;

    @BeforeAll
    static void certificates() {
        server = TestCertificates.create(dir, "server");
        client = TestCertificates.create(dir, "client");
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private ManagedChannel connect(int port, ChannelCredentials credentials) {
        channel = Grpc.newChannelBuilderForAddress("127.0.0.1", port, credentials).build();
        return channel;
    }

    /** A client that trusts the server's certificate, optionally presenting its own. */
    private static ChannelCredentials tls(TestCertificates own) throws IOException {
        TlsChannelCredentials.Builder builder = TlsChannelCredentials.newBuilder()
                .trustManager(server.certificate().toFile());
        if (own != null) {
            builder.keyManager(own.certificate().toFile(), own.privateKey().toFile());
        }
        return builder.build();
    }

    private static Status.Code failure(Runnable call) {
        StatusRuntimeException error = catchThrowableOfType(StatusRuntimeException.class, call::run);
        assertThat(error).as("the call should fail").isNotNull();
        return error.getStatus().getCode();
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class Tls {

        private TestServer grocer;

        @BeforeAll
        void start() {
            grocer = TestServer.start("--grpc.server.security.enabled=true",
                    "--grpc.server.security.certificate-chain=" + server.certificateLocation(),
                    "--grpc.server.security.private-key=" + server.privateKeyLocation());
        }

        @AfterAll
        void stop() {
            grocer.close();
        }

        @Test
        void aClientTrustingTheCertificate_callsOverTls() throws IOException {
            ManagedChannel tls = connect(grocer.grpcPort(), tls(null));

            assertThat(GreeterServiceGrpc.newBlockingStub(tls).sayHello(HELLO)).isEqualTo(HELLO_ADA);
            assertThat(HealthGrpc.newBlockingStub(tls).check(HealthCheckRequest.getDefaultInstance()).getStatus())
                    .isEqualTo(ServingStatus.SERVING);
        }

        @Test
        void aPlaintextClient_isRefused() {
            ManagedChannel plaintext = connect(grocer.grpcPort(), InsecureChannelCredentials.create());

            assertThat(failure(() -> GreeterServiceGrpc.newBlockingStub(plaintext)
                    .withDeadlineAfter(5, TimeUnit.SECONDS).sayHello(HELLO))).isEqualTo(Status.Code.UNAVAILABLE);
        }

        @Test
        void aClientThatDoesNotTrustTheCertificate_isRefused() throws IOException {
            ManagedChannel untrusting = connect(grocer.grpcPort(), TlsChannelCredentials.newBuilder()
                    .trustManager(client.certificate().toFile()).build());

            assertThat(failure(() -> GreeterServiceGrpc.newBlockingStub(untrusting)
                    .withDeadlineAfter(5, TimeUnit.SECONDS).sayHello(HELLO))).isEqualTo(Status.Code.UNAVAILABLE);
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class MutualTls {

        private TestServer grocer;

        @BeforeAll
        void start() {
            grocer = TestServer.start("--grpc.server.security.enabled=true",
                    "--grpc.server.security.certificate-chain=" + server.certificateLocation(),
                    "--grpc.server.security.private-key=" + server.privateKeyLocation(),
                    "--grpc.server.security.trust-cert-collection=" + client.certificateLocation(),
                    "--grpc.server.security.client-auth=REQUIRE");
        }

        @AfterAll
        void stop() {
            grocer.close();
        }

        @Test
        void aClientWithATrustedCertificate_isServed() throws IOException {
            ManagedChannel mutual = connect(grocer.grpcPort(), tls(client));

            assertThat(GreeterServiceGrpc.newBlockingStub(mutual).sayHello(HELLO)).isEqualTo(HELLO_ADA);
        }

        @Test
        void aClientWithoutACertificate_isRefused() throws IOException {
            ManagedChannel anonymous = connect(grocer.grpcPort(), tls(null));

            assertThat(failure(() -> GreeterServiceGrpc.newBlockingStub(anonymous)
                    .withDeadlineAfter(5, TimeUnit.SECONDS).sayHello(HELLO))).isEqualTo(Status.Code.UNAVAILABLE);
        }

        @Test
        void aClientWithAnUntrustedCertificate_isRefused() throws IOException {
            TestCertificates stranger = TestCertificates.create(dir, "stranger");
            ManagedChannel untrusted = connect(grocer.grpcPort(), tls(stranger));

            assertThat(failure(() -> GreeterServiceGrpc.newBlockingStub(untrusted)
                    .withDeadlineAfter(5, TimeUnit.SECONDS).sayHello(HELLO))).isEqualTo(Status.Code.UNAVAILABLE);
        }
    }
}
