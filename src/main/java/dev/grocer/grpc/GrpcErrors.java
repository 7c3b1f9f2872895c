package dev.grocer.grpc;

import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import com.google.rpc.ResourceInfo;

import dev.grocer.common.DomainException;
import dev.grocer.common.FieldViolation;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

/**
 * The one mapping from exceptions to gRPC statuses (AIP-193): a canonical code, a message that says
 * what to fix, and a {@code google.rpc.Status} in the {@code grpc-status-details-bin} trailer carrying an
 * {@link ErrorInfo} (domain {@value #DOMAIN}), a {@link BadRequest} for invalid input and a
 * {@link ResourceInfo} when one resource is concerned. A request message that does not parse is
 * INVALID_ARGUMENT, reason {@code MALFORMED_REQUEST} (see {@code dev.grocer.grpc.server.RequestParsing}). A database that cannot be
 * reached, or that gives up for now, is UNAVAILABLE, reason {@code STORE_UNAVAILABLE}. Unexpected exceptions
 * become INTERNAL with no internals in the message; they are logged here, once.
 */
public final class GrpcErrors {

    /** The ErrorInfo domain of every grocer error. */
    public static final String DOMAIN = "grocer";

    private static final Logger log = LoggerFactory.getLogger(GrpcErrors.class);

    private GrpcErrors() {}

    /** The exception to close a call with. */
    public static StatusRuntimeException toStatusRuntimeException(Throwable error) {
        if (error instanceof StatusRuntimeException sre) {
            return sre;
        }
        if (error instanceof StatusException se) {
            return new StatusRuntimeException(se.getStatus(), se.getTrailers());
        }
        return StatusProto.toStatusRuntimeException(toStatus(error));
    }

    /** The rich status for an error, e.g. to report it inside a response message. */
    public static com.google.rpc.Status toStatus(Throwable error) {
        DomainException domain = domainCause(error);
        if (domain != null) {
            return fromDomain(domain);
        }
        Context call = Context.current();
        if (call.isCancelled() && isStoreFailure(error)) {
            // The client has gone (cancelled, or its deadline passed) and grpc-java has closed the call already;
            // what failed is the work stopped on its behalf (docs/store.md, "Deadlines and load"): nothing to log.
            Throwable cause = call.cancellationCause();
            boolean deadline = cause != null && Status.fromThrowable(cause).getCode() == Status.Code.DEADLINE_EXCEEDED;
            return com.google.rpc.Status.newBuilder()
                    .setCode(deadline ? Code.DEADLINE_EXCEEDED_VALUE : Code.CANCELLED_VALUE)
                    .setMessage("the call ended before it was served")
                    .build();
        }
        if (error instanceof MalformedRequestException malformed) {
            return fromMalformed(malformed);
        }
        if (isStoreOutage(error)) {
            log.warn("The store is unavailable: {}", error.getMessage());
            return com.google.rpc.Status.newBuilder()
                    .setCode(Code.UNAVAILABLE_VALUE)
                    .setMessage("the store is unavailable right now; retry later")
                    .addDetails(Any.pack(errorInfo("STORE_UNAVAILABLE", Map.of())))
                    .build();
        }
        com.google.rpc.Status rich = StatusProto.fromThrowable(error);
        if (rich != null) {
            return rich;
        }
        Status status = Status.fromThrowable(error);
        if (status.getCode() != Status.Code.UNKNOWN) {
            return com.google.rpc.Status.newBuilder()
                    .setCode(status.getCode().value())
                    .setMessage(status.getDescription() == null ? "" : status.getDescription())
                    .build();
        }
        log.error("Unexpected error while handling a call", error);
        return com.google.rpc.Status.newBuilder()
                .setCode(Code.INTERNAL_VALUE)
                .setMessage("internal error; the server has logged the details")
                .addDetails(Any.pack(errorInfo("INTERNAL", Map.of())))
                .build();
    }

    /**
     * A domain error, also when the store met it while Spring set up a transaction or a connection and wrapped it
     * (e.g. {@code STORE_BUSY} inside {@code CannotCreateTransactionException}).
     */
    private static DomainException domainCause(Throwable error) {
        for (int depth = 0; error != null && depth < 5; depth++, error = error.getCause()) {
            if (error instanceof DomainException domain) {
                return domain;
            }
        }
        return null;
    }

    private static boolean isStoreFailure(Throwable error) {
        return error instanceof org.springframework.dao.DataAccessException
                || error instanceof org.springframework.transaction.TransactionException;
    }


    // The database could not be reached or gave up for now (no connection, timeout, lock wait): a retry may work.
    // A transaction that could not begin (no connection), or whose commit or rollback failed (its connection
    // broke; HikariCP's "Connection is closed" carries no SQLState to translate), is the same outage seen
    // through Spring's transaction manager; a write whose commit failed may have committed, and the writes
    // that may be retried carry a request_id or an etag that makes the retry safe.
    private static boolean isStoreOutage(Throwable error) {
        return error instanceof org.springframework.dao.DataAccessResourceFailureException
                || error instanceof org.springframework.dao.TransientDataAccessException
                || error instanceof org.springframework.dao.RecoverableDataAccessException
                || error instanceof org.springframework.transaction.CannotCreateTransactionException
                || error instanceof org.springframework.transaction.TransactionSystemException;
    }

    private static com.google.rpc.Status fromDomain(DomainException e) {
        com.google.rpc.Status.Builder status = com.google.rpc.Status.newBuilder()
                .setCode(codeOf(e.kind()).getNumber())
                .setMessage(e.getMessage())
                .addDetails(Any.pack(errorInfo(e.reason(), e.metadata())));
        if (!e.violations().isEmpty()) {
            BadRequest.Builder badRequest = BadRequest.newBuilder();
            for (FieldViolation v : e.violations()) {
                badRequest.addFieldViolationsBuilder().setField(v.field()).setDescription(v.description());
            }
            status.addDetails(Any.pack(badRequest.build()));
        }
        if (e.resource() != null) {
            status.addDetails(Any.pack(ResourceInfo.newBuilder()
                    .setResourceType(e.resource().type())
                    .setResourceName(e.resource().name())
                    .setDescription(e.getMessage())
                    .build()));
        }
        return status.build();
    }

    /**
     * A request that is not the protobuf its method expects is bad input like any other; it is logged as
     * one line, since garbage on the wire is neither a server fault nor worth a stack trace.
     */
    private static com.google.rpc.Status fromMalformed(MalformedRequestException e) {
        log.warn("Rejected a malformed request to {}: {}", e.method(), e.logDetail());
        Map<String, String> metadata = new java.util.LinkedHashMap<>();
        metadata.put("method", e.method());
        if (e.messageType() != null) {
            metadata.put("message_type", e.messageType());
        }
        if (e.messageIndex() >= 0) {
            metadata.put("message_index", Integer.toString(e.messageIndex()));
        }
        return com.google.rpc.Status.newBuilder()
                .setCode(Code.INVALID_ARGUMENT_VALUE)
                .setMessage(e.getMessage())
                .addDetails(Any.pack(errorInfo("MALFORMED_REQUEST", metadata)))
                .build();
    }

    private static ErrorInfo errorInfo(String reason, Map<String, String> metadata) {
        return ErrorInfo.newBuilder().setReason(reason).setDomain(DOMAIN).putAllMetadata(metadata).build();
    }

    private static Code codeOf(DomainException.Kind kind) {
        return switch (kind) {
            case INVALID_ARGUMENT -> Code.INVALID_ARGUMENT;
            case NOT_FOUND -> Code.NOT_FOUND;
            case ALREADY_EXISTS -> Code.ALREADY_EXISTS;
            case FAILED_PRECONDITION -> Code.FAILED_PRECONDITION;
            case ABORTED -> Code.ABORTED;
            case RESOURCE_EXHAUSTED -> Code.RESOURCE_EXHAUSTED;
            case UNAVAILABLE -> Code.UNAVAILABLE;
            case DEADLINE_EXCEEDED -> Code.DEADLINE_EXCEEDED;
            case UNAUTHENTICATED -> Code.UNAUTHENTICATED;
            case PERMISSION_DENIED -> Code.PERMISSION_DENIED;
        };
    }
}
