package dev.grocer.devhboot4;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.security.access.AccessDecisionManager;
import org.springframework.security.authentication.AuthenticationManager;

import net.devh.boot.grpc.server.autoconfigure.GrpcServerSecurityAutoConfiguration;
import net.devh.boot.grpc.server.security.authentication.GrpcAuthenticationReader;
import net.devh.boot.grpc.server.security.check.GrpcSecurityMetadataSource;
import net.devh.boot.grpc.server.security.interceptors.AuthenticatingServerInterceptor;
import net.devh.boot.grpc.server.security.interceptors.AuthorizationCheckingServerInterceptor;
import net.devh.boot.grpc.server.security.interceptors.DefaultAuthenticatingServerInterceptor;
import net.devh.boot.grpc.server.security.interceptors.ExceptionTranslatingServerInterceptor;

/**
 * Stands in for net.devh's {@link GrpcServerSecurityAutoConfiguration}: once there is an
 * {@link AuthenticationManager}, the starter's three security interceptors (translate refusals, read and
 * authenticate the credentials, check the method's access rule). The original still works on Boot 4, but it
 * orders itself after Boot 3's {@code org.springframework.boot.autoconfigure.security.servlet.SecurityAutoConfiguration}
 * by class, which Boot 4 moved to {@link SecurityAutoConfiguration}, so Spring logs a
 * {@code TypeNotPresentException} warning at every start with security on. Same beans, same conditions.
 *
 * <p>The interceptors themselves are net.devh's; the authorization check needs Spring Security's
 * {@link AccessDecisionManager}, which Spring Security 7 keeps in {@code spring-security-access}.
 */
@AutoConfiguration(after = SecurityAutoConfiguration.class)
@ConditionalOnBean(AuthenticationManager.class)
public class GrpcSecurityInterceptorsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ExceptionTranslatingServerInterceptor exceptionTranslatingServerInterceptor() {
        return new ExceptionTranslatingServerInterceptor();
    }

    @Bean
    @ConditionalOnMissingBean(AuthenticatingServerInterceptor.class)
    DefaultAuthenticatingServerInterceptor authenticatingServerInterceptor(AuthenticationManager authenticationManager,
            GrpcAuthenticationReader authenticationReader) {
        return new DefaultAuthenticatingServerInterceptor(authenticationManager, authenticationReader);
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean({AccessDecisionManager.class, GrpcSecurityMetadataSource.class})
    @SuppressWarnings("deprecation") // AccessDecisionManager: the only check net.devh 3.1.0 offers
    AuthorizationCheckingServerInterceptor authorizationCheckingServerInterceptor(
            AccessDecisionManager accessDecisionManager, GrpcSecurityMetadataSource securityMetadataSource) {
        return new AuthorizationCheckingServerInterceptor(accessDecisionManager, securityMetadataSource);
    }
}
