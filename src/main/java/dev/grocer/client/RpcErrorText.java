package dev.grocer.client;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.ResourceInfo;

import io.grpc.Status;
import io.grpc.protobuf.StatusProto;

/** Tells a person what a failed call said: status code, message and each error detail, no stack trace. */
final class RpcErrorText {

    private RpcErrorText() {}

    /** The code and message on one line, each detail on a line of its own, indented. */
    static List<String> describe(Throwable error) {
        Status status = Status.fromThrowable(error);
        List<String> lines = new ArrayList<>();
        lines.add(status.getCode() + ": " + (status.getDescription() == null ? "(no message)" : status.getDescription()));
        if (status.getCause() != null && status.getCause().getMessage() != null) {
            // Set on the client side only, e.g. "Connection refused: localhost/127.0.0.1:9090": where it tried.
            lines.add("  cause: " + status.getCause().getMessage());
        }
        com.google.rpc.Status rich = StatusProto.fromThrowable(error);
        if (rich != null) {
            for (Any detail : rich.getDetailsList()) {
                lines.add("  " + describe(detail));
            }
        }
        return lines;
    }

    private static String describe(Any detail) {
        try {
            if (detail.is(ErrorInfo.class)) {
                ErrorInfo info = detail.unpack(ErrorInfo.class);
                String metadata = info.getMetadataMap().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
                return "reason: " + info.getReason() + " (" + info.getDomain() + ")"
                        + (metadata.isEmpty() ? "" : " " + metadata);
            }
            if (detail.is(BadRequest.class)) {
                return detail.unpack(BadRequest.class).getFieldViolationsList().stream()
                        .map(v -> "field " + v.getField() + ": " + v.getDescription())
                        .collect(Collectors.joining("\n  "));
            }
            if (detail.is(ResourceInfo.class)) {
                ResourceInfo info = detail.unpack(ResourceInfo.class);
                return "resource: " + info.getResourceType() + " " + info.getResourceName();
            }
        } catch (InvalidProtocolBufferException e) {
            return "detail: " + detail.getTypeUrl() + " (undecodable)";
        }
        return "detail: " + detail.getTypeUrl();
    }
}
