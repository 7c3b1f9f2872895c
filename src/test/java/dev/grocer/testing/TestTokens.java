package dev.grocer.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;

import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

/**
 * An RSA key pair that signs JWTs the way an identity provider would: the public key is written as PEM
 * for the server's {@code spring.security.oauth2.resourceserver.jwt.public-key-location}, tokens are
 * minted with Spring Security's Nimbus encoder.
 */
public final class TestTokens {

    private final NimbusJwtEncoder encoder;
    private final Path publicKey;

    private TestTokens(KeyPair keys, Path publicKey) {
        RSAKey key = new RSAKey.Builder((RSAPublicKey) keys.getPublic()).privateKey((RSAPrivateKey) keys.getPrivate())
                .build();
        this.encoder = new NimbusJwtEncoder(new ImmutableJWKSet<>(new JWKSet(key)));
        this.publicKey = publicKey;
    }

    /** A new key pair; its public key is written to {@code dir/<name>.pub.pem}. */
    public static TestTokens create(Path dir, String name) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair keys = generator.generateKeyPair();
            Path file = dir.resolve(name + ".pub.pem");
            Files.writeString(file, TestCertificates.pem("PUBLIC KEY", keys.getPublic().getEncoded()),
                    StandardCharsets.US_ASCII);
            return new TestTokens(keys, file);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The public key as a Spring resource location. */
    public String publicKeyLocation() {
        return "file:" + publicKey.toAbsolutePath();
    }

    /** A token for {@code subject} with the {@code scope} claim {@code scope}, valid for an hour. */
    public String token(String subject, String scope) {
        return token(subject, scope, Instant.now(), Duration.ofHours(1));
    }

    /** A token issued at {@code issuedAt} and valid from then on, for {@code lifetime}. */
    public String token(String subject, String scope, Instant issuedAt, Duration lifetime) {
        return token(subject, Map.of("scope", scope), issuedAt, lifetime);
    }

    /** A token with the given claims besides subject and times, valid for an hour. */
    public String token(String subject, Map<String, Object> claims) {
        return token(subject, claims, Instant.now(), Duration.ofHours(1));
    }

    private String token(String subject, Map<String, Object> more, Instant issuedAt, Duration lifetime) {
        JwtClaimsSet claims = JwtClaimsSet.builder()
                .subject(subject)
                .issuedAt(issuedAt)
                .notBefore(issuedAt)
                .expiresAt(issuedAt.plus(lifetime))
                .claims(all -> all.putAll(more))
                .build();
        return encoder.encode(JwtEncoderParameters.from(JwsHeader.with(SignatureAlgorithm.RS256).build(), claims))
                .getTokenValue();
    }
}
