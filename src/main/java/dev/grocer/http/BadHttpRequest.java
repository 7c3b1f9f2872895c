package dev.grocer.http;

import java.util.Map;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import com.google.rpc.Status;

import dev.grocer.grpc.GrpcErrors;

/**
 * An HTTP request refused before it became a call: its body, a parameter, its path, verb, media type or size.
 * It carries the {@code google.rpc.Status} the client gets, shaped like the gRPC side's errors (an
 * {@link ErrorInfo} in grocer's domain with a stable reason, a {@link BadRequest} naming a bad parameter), and
 * the HTTP status, which for 404, 405, 413 and 415 says more than the code's own mapping would.
 */
final class BadHttpRequest extends Exception {

    private final int httpStatus;
    private final transient Status status;

    private BadHttpRequest(int httpStatus, Status status) {
        super(status.getMessage(), null, false, false); // the client's mistake: no stack trace
        this.httpStatus = httpStatus;
        this.status = status;
    }

    int httpStatus() {
        return httpStatus;
    }

    Status status() {
        return status;
    }

    /** A body that is not JSON for the request, or a value a field cannot take. */
    static BadHttpRequest body(HttpRoute route, String problem) {
        return new BadHttpRequest(400, status(Code.INVALID_ARGUMENT, "the request cannot be read as "
                + route.requestPrototype().getDescriptorForType().getFullName() + ": " + problem,
                "MALFORMED_REQUEST", Map.of("method", route.method().getFullMethodName())).build());
    }

    /** A query parameter that names no field, or one the path or body binds, or has too many values. */
    static BadHttpRequest parameter(HttpRoute route, String name, String problem) {
        return new BadHttpRequest(400, status(Code.INVALID_ARGUMENT, "query parameter " + problem,
                "MALFORMED_REQUEST", Map.of("method", route.method().getFullMethodName()))
                .addDetails(Any.pack(BadRequest.newBuilder().addFieldViolations(BadRequest.FieldViolation.newBuilder()
                        .setField(name).setDescription(problem)).build()))
                .build());
    }

    /** A path no route has. */
    static BadHttpRequest noRoute(String method, String path) {
        return new BadHttpRequest(404, status(Code.NOT_FOUND, "no API route is " + method + " " + path
                + "; docs/api.md lists every route", "NO_SUCH_ROUTE", Map.of("path", path)).build());
    }

    /** A path that routes have, with another verb. */
    static BadHttpRequest wrongVerb(String method, String path, String allowed) {
        return new BadHttpRequest(405, status(Code.UNIMPLEMENTED, path + " takes " + allowed + ", not " + method,
                "METHOD_NOT_ALLOWED", Map.of("path", path, "allowed", allowed)).build());
    }

    /** A body in a media type the route does not read. */
    static BadHttpRequest mediaType(String sent, String expected) {
        return new BadHttpRequest(415, status(Code.INVALID_ARGUMENT, "the request body is " + sent
                + "; send it as " + expected, "UNSUPPORTED_MEDIA_TYPE", Map.of("content_type", sent)).build());
    }

    /** A JSON body that is not UTF-8. */
    static BadHttpRequest notUtf8() {
        return new BadHttpRequest(400, status(Code.INVALID_ARGUMENT, "the request body is not valid UTF-8; send JSON"
                + " as UTF-8", "MALFORMED_REQUEST", Map.of()).build());
    }

    /** A body over the limit. */
    static BadHttpRequest tooLarge(long limit) {
        return new BadHttpRequest(413, status(Code.RESOURCE_EXHAUSTED, "the request body is larger than the "
                + limit + " bytes this server takes (grocer.http.max-request-size)", "REQUEST_TOO_LARGE",
                Map.of("max_bytes", Long.toString(limit))).build());
    }

    /** A header with a value the call cannot take (e.g. grpc-timeout). */
    static BadHttpRequest header(String name, String problem) {
        return new BadHttpRequest(400, status(Code.INVALID_ARGUMENT, "header " + name + ": " + problem,
                "MALFORMED_REQUEST", Map.of("header", name)).build());
    }

    private static Status.Builder status(Code code, String message, String reason, Map<String, String> metadata) {
        return Status.newBuilder().setCode(code.getNumber()).setMessage(message)
                .addDetails(Any.pack(ErrorInfo.newBuilder().setDomain(GrpcErrors.DOMAIN).setReason(reason)
                        .putAllMetadata(metadata).build()));
    }
}
