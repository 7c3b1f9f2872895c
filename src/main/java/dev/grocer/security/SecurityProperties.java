package dev.grocer.security;

import jakarta.validation.constraints.NotBlank;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Who may call grocer's gRPC services ({@code grocer.security.*}). The key that checks tokens is Spring
 * Boot's own: {@code spring.security.oauth2.resourceserver.jwt.public-key-location} (or {@code jwk-set-uri},
 * {@code issuer-uri}, {@code audiences}).
 *
 * @param enabled require bearer JWTs: every mutating RPC needs {@code writeAuthority}; off by default, on
 *     in the {@code secure} profile
 * @param protectReads reads (Get, List, Watch, SayHello) need {@code readAuthority} or {@code writeAuthority}
 *     too; without it they stay open to anyone
 * @param writeAuthority the authority a token must grant for a mutating RPC; a {@code scope} claim of
 *     {@code grocer.write} grants {@code SCOPE_grocer.write}
 * @param readAuthority the authority that grants reads when they are protected
 */
@Validated
@ConfigurationProperties("grocer.security")
public record SecurityProperties(
        @DefaultValue("false") boolean enabled,
        @DefaultValue("false") boolean protectReads,
        @DefaultValue("SCOPE_grocer.write") @NotBlank String writeAuthority,
        @DefaultValue("SCOPE_grocer.read") @NotBlank String readAuthority) {}
