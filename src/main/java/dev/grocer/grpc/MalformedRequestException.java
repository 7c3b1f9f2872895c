package dev.grocer.grpc;

/**
 * A request message that is not the protobuf its method expects: bytes that do not parse, or a string
 * field that is not valid UTF-8. The client's fault, not the server's: {@link GrpcErrors} maps it to
 * INVALID_ARGUMENT (reason {@code MALFORMED_REQUEST}) and logs one line without a stack trace.
 */
final class MalformedRequestException extends RuntimeException {

    private final String method;
    private final String messageType;
    private final boolean invalidUtf8;
    private final String parserDetail;

    /**
     * @param method the full method name, e.g. {@code grocer.user.v1.UserService/GetUser}
     * @param messageType the full name of the request message type, or {@code null} if unknown
     * @param parseError what the request marshaller threw
     */
    MalformedRequestException(String method, String messageType, Throwable parseError) {
        super(null, null, false, false); // expected and frequent under attack: no stack trace to fill in
        this.method = method;
        this.messageType = messageType;
        String detail = detailOf(parseError);
        this.parserDetail = detail;
        this.invalidUtf8 = detail.contains("UTF-8");
    }

    String method() {
        return method;
    }

    /** The request type's full name, or {@code null}. */
    String messageType() {
        return messageType;
    }

    /** Whether the bytes were protobuf but a string field was not valid UTF-8. */
    boolean invalidUtf8() {
        return invalidUtf8;
    }

    /** The parser's own words, for the server log only (they may name parser classes). */
    String parserDetail() {
        return parserDetail;
    }

    private static String detailOf(Throwable error) {
        // The protobuf marshaller throws INTERNAL "Invalid protobuf byte sequence" caused by the parser's error.
        Throwable innermost = error;
        while (innermost.getCause() != null && innermost.getCause() != innermost) {
            innermost = innermost.getCause();
        }
        String message = innermost.getMessage();
        return message == null ? innermost.getClass().getSimpleName() : message;
    }
}
