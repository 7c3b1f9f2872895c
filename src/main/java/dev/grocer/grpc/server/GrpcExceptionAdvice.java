package dev.grocer.grpc.server;

import dev.grocer.grpc.GrpcErrors;
import io.grpc.StatusRuntimeException;
import net.devh.boot.grpc.server.advice.GrpcAdvice;
import net.devh.boot.grpc.server.advice.GrpcExceptionHandler;

/**
 * Closes every call whose service method threw with the status {@link GrpcErrors} maps the exception to,
 * so no service method maps errors itself. Public because the starter invokes the handler reflectively.
 */
@GrpcAdvice
public class GrpcExceptionAdvice {

    @GrpcExceptionHandler(Exception.class)
    public StatusRuntimeException handle(Exception error) {
        return GrpcErrors.toStatusRuntimeException(error);
    }
}
