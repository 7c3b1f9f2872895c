package dev.grocer.security;

import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AuthenticationCredentialsNotFoundException;
import org.springframework.security.core.AuthenticationException;

import dev.grocer.common.DomainException;
import dev.grocer.grpc.GrpcErrors;
import io.grpc.ServerCall;
import io.grpc.StatusRuntimeException;
import net.devh.boot.grpc.server.security.interceptors.ExceptionTranslatingServerInterceptor;

/**
 * Closes calls the starter's security interceptors refused with grocer's errors (through
 * {@link GrpcErrors}, like every other error) instead of the starter's bare "Authentication failed":
 * UNAUTHENTICATED with reason {@code TOKEN_MISSING} or {@code TOKEN_INVALID}, PERMISSION_DENIED with
 * {@code MISSING_AUTHORITY} and the authority needed. The messages are fixed texts: what Spring Security or
 * the JWT library said (which can quote the token or name classes) goes to the DEBUG log only. Replaces
 * the starter's bean of the same type, at the same place in the interceptor chain.
 */
class GrpcSecurityErrors extends ExceptionTranslatingServerInterceptor {

    private static final Logger log = LoggerFactory.getLogger(GrpcSecurityErrors.class);

    private final GrpcAccessPolicy policy;

    GrpcSecurityErrors(GrpcAccessPolicy policy) {
        this.policy = policy;
    }

    @Override
    protected void closeCallUnauthenticated(ServerCall<?, ?> call, AuthenticationException error) {
        String method = call.getMethodDescriptor().getFullMethodName();
        log.debug("{} refused: {}", method, error.getMessage());
        close(call, error instanceof AuthenticationCredentialsNotFoundException
                ? DomainException.unauthenticated("TOKEN_MISSING", method
                        + " needs a bearer token: send the metadata 'authorization: Bearer <JWT>'")
                : DomainException.unauthenticated("TOKEN_INVALID", "the bearer token was rejected: it is"
                        + " malformed, expired, not yet valid or not signed by a key this server trusts;"
                        + " get a new token"));
    }

    @Override
    protected void closeCallAccessDenied(ServerCall<?, ?> call, AccessDeniedException error) {
        String method = call.getMethodDescriptor().getFullMethodName();
        String authority = String.valueOf(policy.requiredAuthority(call.getMethodDescriptor()));
        log.debug("{} refused: {}", method, error.getMessage());
        close(call, DomainException.permissionDenied("MISSING_AUTHORITY",
                method + " needs a token that grants '" + authority + "'",
                Map.of("method", method, "required_authority", authority)));
    }

    private static void close(ServerCall<?, ?> call, DomainException error) {
        StatusRuntimeException status = GrpcErrors.toStatusRuntimeException(error);
        call.close(status.getStatus(), status.getTrailers());
    }
}
