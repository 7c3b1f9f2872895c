package dev.grocer.grpc;

/**
 * A call whose request messages are not what its method takes: bytes that do not parse as the request
 * message, a string field that is not valid UTF-8, or a unary or server-streaming call with no request
 * message or more than one. The client's fault, not the server's: {@link GrpcErrors} maps it to
 * INVALID_ARGUMENT (reason {@code MALFORMED_REQUEST}) and logs one line without a stack trace.
 */
public final class MalformedRequestException extends RuntimeException {

    private final String method;
    private final String messageType;
    private final String logDetail;
    private final int messageIndex;

    private MalformedRequestException(String method, String messageType, String clientMessage, String logDetail,
            int messageIndex) {
        super(clientMessage, null, false, false); // expected, and frequent under attack: no stack trace
        this.method = method;
        this.messageType = messageType;
        this.logDetail = logDetail;
        this.messageIndex = messageIndex;
    }

    /**
     * A request message that did not parse.
     *
     * @param method the full method name, e.g. {@code grocer.user.v1.UserService/GetUser}
     * @param messageType the full name of the request message type, or {@code null} if unknown
     * @param messageIndex the position of the message in the call's request stream, from 0
     * @param parseError what the request marshaller threw
     */
    public static MalformedRequestException unparsable(String method, String messageType, int messageIndex,
            Throwable parseError) {
        String detail = parserDetail(parseError);
        String expected = messageType == null ? "the method's request message" : messageType;
        String message = detail.contains("UTF-8")
                ? "the request has a string field that is not valid UTF-8; send every string as UTF-8"
                : "the request is not a valid protobuf encoding of " + expected
                        + "; send the serialized message the method expects";
        return new MalformedRequestException(method, messageType, message, detail, messageIndex);
    }

    /** A method that takes one request message got none, or more than one. */
    public static MalformedRequestException wrongMessageCount(String method, String messageType, boolean none) {
        String sent = none ? "none" : "more than one";
        return new MalformedRequestException(method, messageType,
                method + " takes exactly one request message; the call sent " + sent, "sent " + sent, none ? -1 : 1);
    }

    /** The full method name, e.g. {@code grocer.user.v1.UserService/GetUser}. */
    String method() {
        return method;
    }

    /** The request type's full name, or {@code null}. */
    String messageType() {
        return messageType;
    }

    /**
     * The position of the bad message in the request stream, from 0 (every earlier one was handed to the
     * service), or -1 when the call sent no message at all.
     */
    int messageIndex() {
        return messageIndex;
    }

    /** What went wrong in the parser's own words, for the server log only (they may name its classes). */
    String logDetail() {
        return logDetail;
    }

    private static String parserDetail(Throwable error) {
        // The protobuf marshaller throws INTERNAL "Invalid protobuf byte sequence" caused by the parser's error.
        Throwable innermost = error;
        while (innermost.getCause() != null && innermost.getCause() != innermost) {
            innermost = innermost.getCause();
        }
        String message = innermost.getMessage();
        return message == null ? innermost.getClass().getSimpleName() : message;
    }
}
