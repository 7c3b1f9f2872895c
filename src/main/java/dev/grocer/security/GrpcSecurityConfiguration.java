package dev.grocer.security;

import java.util.List;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.security.access.AccessDecisionManager;
import org.springframework.security.access.vote.AffirmativeBased;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;

import net.devh.boot.grpc.server.security.authentication.BearerAuthenticationReader;
import net.devh.boot.grpc.server.security.authentication.GrpcAuthenticationReader;
import net.devh.boot.grpc.server.security.check.AccessPredicateVoter;
import net.devh.boot.grpc.server.security.interceptors.ExceptionTranslatingServerInterceptor;

/**
 * Bearer JWTs on the gRPC server ({@code grocer.security.enabled=true}), through the starter's Spring
 * Security integration: these beans switch on its interceptors (read the token, authenticate it, check the
 * method's authority, translate refusals). Tokens are checked by Spring Security's JWT support against the
 * key Spring Boot configures from {@code spring.security.oauth2.resourceserver.jwt.*}; the {@code scope}
 * claim becomes {@code SCOPE_...} authorities (or whatever Boot's {@code authorities-claim-name} and
 * {@code authority-prefix} say).
 *
 * <p>The starter 3.1.0 checks authorities with an {@link AccessDecisionManager}, which Spring Security 6
 * deprecates in favour of AuthorizationManager; the starter offers nothing else yet, hence the warnings
 * suppressed here.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "grocer.security.enabled", havingValue = "true")
@Profile("!client")
class GrpcSecurityConfiguration {

    /** Verifies a bearer token: signature, expiry and the other claims Boot's decoder validates. */
    @Bean
    AuthenticationManager grpcAuthenticationManager(ObjectProvider<JwtDecoder> decoder,
            ObjectProvider<JwtAuthenticationConverter> converter) {
        JwtAuthenticationProvider provider = new JwtAuthenticationProvider(decoder.getIfAvailable(() -> {
            throw new IllegalStateException("grocer.security.enabled=true needs the key that signs tokens:"
                    + " set spring.security.oauth2.resourceserver.jwt.public-key-location (or jwk-set-uri or"
                    + " issuer-uri); see docs/security.md");
        }));
        provider.setJwtAuthenticationConverter(converter.getIfAvailable(JwtAuthenticationConverter::new));
        return new ProviderManager(provider);
    }

    /** Takes the token from the {@code authorization: Bearer ...} metadata; none means anonymous. */
    @Bean
    GrpcAuthenticationReader grpcAuthenticationReader() {
        return new BearerAuthenticationReader(token -> {
            if (token.isBlank()) {
                throw new InvalidBearerTokenException("empty bearer token");
            }
            return new BearerTokenAuthenticationToken(token.trim());
        });
    }

    @Bean
    GrpcAccessPolicy grpcAccessPolicy(SecurityProperties properties) {
        return new GrpcAccessPolicy(properties);
    }

    @Bean
    @SuppressWarnings("deprecation")
    AccessDecisionManager grpcAccessDecisionManager() {
        return new AffirmativeBased(List.of(new AccessPredicateVoter()));
    }

    /** Declared as the starter's type, so the starter's own translator steps aside. */
    @Bean
    ExceptionTranslatingServerInterceptor grpcSecurityErrors(GrpcAccessPolicy policy) {
        return new GrpcSecurityErrors(policy);
    }
}
