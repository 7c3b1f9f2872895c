package dev.grocer.http;

import java.nio.charset.StandardCharsets;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.function.ServerResponse;

import com.google.gson.JsonPrimitive;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import com.google.rpc.ErrorDetailsProto;
import com.google.rpc.Status;

/**
 * Replies and errors as HTTP/JSON: messages in proto3 JSON, and a failed call as the HTTP status its
 * {@code google.rpc.Code} maps to (the mapping in {@code google/rpc/code.proto}) with its {@code google.rpc.Status}
 * as the body, details included: {@code {"code": 5, "message": "...", "details": [{"@type": ...}]}}.
 */
final class StatusJson {

    private static final JsonFormat.Printer MESSAGES = JsonFormat.printer().omittingInsignificantWhitespace();
    /** The google.rpc error details a Status packs. */
    private static final JsonFormat.Printer DETAILS = JsonFormat.printer().omittingInsignificantWhitespace()
            .usingTypeRegistry(JsonFormat.TypeRegistry.newBuilder()
                    .add(ErrorDetailsProto.getDescriptor().getMessageTypes()).build());

    private StatusJson() {}

    /** The HTTP status of a {@code google.rpc.Code}. */
    static int httpStatus(int code) {
        return switch (code) {
            case 0 -> 200; // OK
            case 1 -> 499; // CANCELLED: the client closed the request
            case 3, 9, 11 -> 400; // INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE
            case 4 -> 504; // DEADLINE_EXCEEDED
            case 5 -> 404; // NOT_FOUND
            case 6, 10 -> 409; // ALREADY_EXISTS, ABORTED
            case 7 -> 403; // PERMISSION_DENIED
            case 8 -> 429; // RESOURCE_EXHAUSTED
            case 12 -> 501; // UNIMPLEMENTED
            case 14 -> 503; // UNAVAILABLE
            case 16 -> 401; // UNAUTHENTICATED
            default -> 500; // UNKNOWN, INTERNAL, DATA_LOSS
        };
    }

    static String print(Message message) {
        try {
            return MESSAGES.print(message);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a reply that cannot be written as JSON", e); // an Any of an unknown type
        }
    }

    /**
     * A Status with all three fields always there ({@code "code": 0}, {@code "message": ""}, {@code "details": []}
     * included, which proto3 JSON would leave out), so a client reads them without defaults of its own.
     */
    static String print(Status status) {
        StringBuilder json = new StringBuilder("{\"code\":").append(status.getCode())
                .append(",\"message\":").append(new JsonPrimitive(status.getMessage()))
                .append(",\"details\":[");
        for (int i = 0; i < status.getDetailsCount(); i++) {
            try {
                String detail = DETAILS.print(status.getDetails(i));
                json.append(json.charAt(json.length() - 1) == '[' ? "" : ",").append(detail);
            } catch (InvalidProtocolBufferException e) {
                // A detail of a type outside google.rpc (grocer sends none): left out rather than fail the reply.
            }
        }
        return json.append("]}").toString();
    }

    static ServerResponse ok(Message reply) {
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON)
                .body(print(reply).getBytes(StandardCharsets.UTF_8));
    }

    static ServerResponse error(Status status) {
        return error(httpStatus(status.getCode()), status);
    }

    static ServerResponse error(int httpStatus, Status status) {
        ServerResponse.BodyBuilder response = ServerResponse.status(httpStatus).contentType(MediaType.APPLICATION_JSON);
        if (httpStatus == 401) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        }
        return response.body(print(status).getBytes(StandardCharsets.UTF_8));
    }

    static ServerResponse error(BadHttpRequest bad) {
        return error(bad.httpStatus(), bad.status());
    }
}
