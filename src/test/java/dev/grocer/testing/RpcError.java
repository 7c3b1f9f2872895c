package dev.grocer.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.ResourceInfo;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

/**
 * A gRPC error as a client sees it, with the google.rpc details of the grpc-status-details-bin trailer
 * unpacked, so tests can compare them whole.
 */
public record RpcError(Status.Code code, String message, ErrorInfo errorInfo, BadRequest badRequest,
        ResourceInfo resourceInfo) {

    /** Runs {@code call}, which must fail with a StatusRuntimeException, and returns its error. */
    public static RpcError of(ThrowingCallable call) {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call);
        assertThat(e).as("the call should fail with a gRPC status").isNotNull();
        return of(e);
    }

    /** The error carried by {@code throwable}. */
    public static RpcError of(Throwable throwable) {
        Status status = Status.fromThrowable(throwable);
        com.google.rpc.Status rich = StatusProto.fromThrowable(throwable);
        assertThat(rich).as("the error should carry google.rpc.Status details").isNotNull();
        assertThat(rich.getCode()).isEqualTo(status.getCode().value());
        return of(rich);
    }

    /** The error described by {@code status}, e.g. one reported inside a response. */
    public static RpcError of(com.google.rpc.Status status) {
        ErrorInfo errorInfo = null;
        BadRequest badRequest = null;
        ResourceInfo resourceInfo = null;
        try {
            for (Any detail : status.getDetailsList()) {
                if (detail.is(ErrorInfo.class)) {
                    errorInfo = detail.unpack(ErrorInfo.class);
                } else if (detail.is(BadRequest.class)) {
                    badRequest = detail.unpack(BadRequest.class);
                } else if (detail.is(ResourceInfo.class)) {
                    resourceInfo = detail.unpack(ResourceInfo.class);
                }
            }
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError("undecodable error detail", e);
        }
        return new RpcError(Status.Code.values()[status.getCode()], status.getMessage(), errorInfo, badRequest,
                resourceInfo);
    }

    /** The ErrorInfo grocer should send for {@code reason} with {@code metadata}. */
    public static ErrorInfo grocerInfo(String reason, Map<String, String> metadata) {
        return ErrorInfo.newBuilder().setReason(reason).setDomain("grocer").putAllMetadata(metadata).build();
    }

    /** The fields the BadRequest names, in order. */
    public List<String> violatedFields() {
        assertThat(badRequest).as("the error should carry a BadRequest").isNotNull();
        return badRequest.getFieldViolationsList().stream().map(BadRequest.FieldViolation::getField).toList();
    }
}
