package dev.grocer.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;

/**
 * Reads request bodies up to {@code grocer.http.max-request-size}: more is refused (413) without reading the rest,
 * whether the client announced its length or not.
 */
final class RequestBodies {

    private final int limit;

    RequestBodies(long limit) {
        this.limit = (int) Math.min(limit, Integer.MAX_VALUE - 8);
    }

    /** A JSON body as text; empty if there is none. */
    String json(HttpServletRequest request) throws BadHttpRequest {
        String type = request.getContentType();
        byte[] body = bytes(request);
        if (body.length == 0) {
            return "";
        }
        if (type == null || !isJson(type)) {
            throw BadHttpRequest.mediaType(type == null ? "sent without a Content-Type" : type,
                    "application/json (Content-Type: application/json)");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw BadHttpRequest.notUtf8();
        }
    }

    /** For a route that takes no body: refuses one, rather than ignore what the client meant to send. */
    String none(HttpServletRequest request) throws BadHttpRequest {
        if (request.getContentLengthLong() > 0 || request.getHeader("transfer-encoding") != null) {
            if (bytes(request).length > 0) {
                throw BadHttpRequest.header("content-length", "this route takes no request body; send the fields as "
                        + "query parameters");
            }
        }
        return "";
    }

    /** The body's bytes. */
    byte[] bytes(HttpServletRequest request) throws BadHttpRequest {
        long announced = request.getContentLengthLong();
        if (announced > limit) {
            throw BadHttpRequest.tooLarge(limit);
        }
        try (InputStream in = request.getInputStream()) {
            byte[] body = in.readNBytes(limit + 1);
            if (body.length > limit) {
                throw BadHttpRequest.tooLarge(limit);
            }
            return body;
        } catch (IOException e) {
            throw BadHttpRequest.header("content-length", "the body could not be read: " + e.getMessage());
        }
    }

    private static boolean isJson(String type) {
        try {
            MediaType media = MediaType.parseMediaType(type);
            boolean json = MediaType.APPLICATION_JSON.equalsTypeAndSubtype(media) || "json".equals(media.getSubtypeSuffix());
            return json && (media.getCharset() == null || StandardCharsets.UTF_8.equals(media.getCharset()));
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }
}
