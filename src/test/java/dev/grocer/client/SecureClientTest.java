package dev.grocer.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import dev.grocer.GrocerApplication;
import dev.grocer.testing.TestCertificates;
import dev.grocer.testing.TestServer;
import dev.grocer.testing.TestTokens;

/**
 * The {@code client} profile against a locked-down server: the {@code secure} profile (bearer JWTs) over
 * TLS. Given the server's certificate and a token by configuration alone, the demo and the shell pass;
 * without the token the demo stops at the first write and says what is missing. A list of servers is checked
 * against the certificate under the name {@code authority-override} gives.
 */
@ExtendWith(OutputCaptureExtension.class)
class SecureClientTest {

    @TempDir
    static Path dir;

    private static TestCertificates certificate;
    private static TestTokens issuer;
    private static TestServer server;

    @BeforeAll
    static void startServer() {
        certificate = TestCertificates.create(dir, "server");
        issuer = TestTokens.create(dir, "issuer");
        server = TestServer.start("--spring.profiles.active=secure",
                "--spring.security.oauth2.resourceserver.jwt.public-key-location=" + issuer.publicKeyLocation(),
                "--grpc.server.security.enabled=true",
                "--grpc.server.security.certificate-chain=" + certificate.certificateLocation(),
                "--grpc.server.security.private-key=" + certificate.privateKeyLocation(),
                "--grocer.orders.fulfilment.step-delay=1s");
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    /** Runs the client over TLS, trusting the server's certificate, with {@code more} settings. */
    private static int runClient(String... more) {
        return runClientOn("127.0.0.1:" + server.grpcPort(), more);
    }

    private static int runClientOn(String target, String... more) {
        List<String> args = new ArrayList<>(List.of("--grocer.client.target=" + target,
                "--grpc.client.grocer.negotiation-type=TLS",
                "--grpc.client.grocer.security.trust-cert-collection=" + certificate.certificateLocation()));
        args.addAll(List.of(more));
        ConfigurableApplicationContext client = new SpringApplicationBuilder(GrocerApplication.class)
                .profiles("client").run(args.toArray(String[]::new));
        return SpringApplication.exit(client);
    }

    @Test
    void demo_withAWriteToken_passesOverTls(CapturedOutput output) {
        int exitCode = runClient("--grocer.client.token=" + issuer.token("demo", "grocer.write"));

        assertThat(output.getOut()).contains("demo OK: every step behaved as expected");
        assertThat(exitCode).isZero();
    }

    @Test
    void demo_withoutAToken_failsAtTheFirstWriteNamingTheSetting(CapturedOutput output) {
        int exitCode = runClient();

        assertThat(exitCode).isEqualTo(1);
        assertThat(output.getOut()).contains("demo FAILED: grocer at 127.0.0.1:" + server.grpcPort()
                + " refused the call (UNAUTHENTICATED: grocer.user.v1.UserService/CreateUser needs a bearer token:"
                + " send the metadata 'authorization: Bearer <JWT>'; reason: TOKEN_MISSING (grocer));"
                + " give the client a token that grants grocer.write: grocer.client.token or GROCER_CLIENT_TOKEN");
    }

    @Test
    void shell_withAToken_createsAUser(CapturedOutput output) {
        InputStream stdin = System.in;
        System.setIn(new ByteArrayInputStream("create-user Alan Turing alan@secure.example.com\nquit\n"
                .getBytes(StandardCharsets.UTF_8)));
        try {
            assertThat(runClient("--grocer.client.interactive=true",
                    "--grocer.client.token=" + issuer.token("shell", "grocer.write"))).isZero();
        } finally {
            System.setIn(stdin);
        }

        assertThat(output.getOut())
                .contains("\"displayName\":\"Alan Turing\",\"email\":\"alan@secure.example.com\"")
                .doesNotContain("error:");
    }

    /** Runs the shell over TLS to a list of two servers (the one server, twice) with {@code input}. */
    private static int runShellOnAList(String input, String... more) {
        InputStream stdin = System.in;
        System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
        try {
            List<String> args = new ArrayList<>(List.of("--grocer.client.interactive=true"));
            args.addAll(List.of(more));
            return runClientOn("127.0.0.1:" + server.grpcPort() + ",127.0.0.1:" + server.grpcPort(),
                    args.toArray(String[]::new));
        } finally {
            System.setIn(stdin);
        }
    }

    @Test
    void shell_onAListOfServers_checksTheCertificateForTheAuthorityOverride(CapturedOutput output) {
        assertThat(runShellOnAList("hello Ada\nhello Ada\nquit\n",
                "--grpc.client.grocer.security.authority-override=localhost")).isZero();

        assertThat(output.getOut()).contains("Hello, Ada!\nHello, Ada!\nbye").doesNotContain("error:");
    }

    @Test
    void shell_onAListOfServersWithoutAnAuthorityOverride_failsTheHandshake(CapturedOutput output) {
        // The channel's authority is then the list itself, which no certificate names.
        assertThat(runShellOnAList("hello Ada\nquit\n")).isZero();

        assertThat(output.getOut()).contains("error: UNAVAILABLE").doesNotContain("Hello, Ada!");
    }
}
