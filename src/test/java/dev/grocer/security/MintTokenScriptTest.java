package dev.grocer.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * {@code scripts/mint-token.sh}, docs/security.md's way to get a token for local use, makes tokens the server's
 * decoder accepts: an RS256 signature by the private key, the scope, a lifetime. Skipped without openssl.
 */
class MintTokenScriptTest {

    @TempDir
    Path dir;

    @Test
    void mintsATokenTheServersDecoderAccepts() throws Exception {
        assumeTrue(run(List.of("openssl", "version")).exit == 0, "openssl is not installed");
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        Path privateKey = dir.resolve("jwt-private.pem");
        Files.writeString(privateKey, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(keys.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n", StandardCharsets.US_ASCII);

        Result minted = run(List.of("scripts/mint-token.sh", privateKey.toString(), "grocer.read grocer.write", "600",
                "ada"));

        assertThat(minted.exit).as(minted.output).isZero();
        Jwt jwt = NimbusJwtDecoder.withPublicKey((RSAPublicKey) keys.getPublic()).build().decode(minted.output.trim());
        assertThat(jwt.getSubject()).isEqualTo("ada");
        assertThat(jwt.getClaimAsString("scope")).isEqualTo("grocer.read grocer.write");
        assertThat(Duration.between(jwt.getIssuedAt(), jwt.getExpiresAt())).isEqualTo(Duration.ofSeconds(600));
        assertThat(jwt.getNotBefore()).isEqualTo(jwt.getIssuedAt());
    }

    @Test
    void refusesValuesThatWouldNeedEscaping() throws Exception {
        Result refused = run(List.of("scripts/mint-token.sh", "pom.xml", "grocer.write\",\"admin\":\"true"));

        assertThat(refused.exit).isEqualTo(2);
        assertThat(refused.output).contains("unsupported character");
    }

    private record Result(int exit, String output) {}

    private static Result run(List<String> command) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return new Result(-1, e.getMessage());
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }
}
