package dev.grocer.common;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Opaque page tokens (AIP-158): the position to resume after, bound to the query that issued it (its
 * scope, e.g. the listing and its filter), and wrapped so clients treat it as a token rather than
 * something to construct or edit.
 */
public final class PageTokens {

    private static final String MAGIC = "grocer.v1";
    private static final char SEPARATOR = '\n';
    // Made once: every streamed ListUsers message carries a token, and withoutPadding() builds a new encoder.
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private PageTokens() {}

    /** The token that resumes the listing {@code scope} after {@code key}. */
    public static String after(String scope, String key) {
        String text = MAGIC + SEPARATOR + scope + SEPARATOR + key;
        return ENCODER.encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The key a token of listing {@code scope} resumes after, or {@code null} for an empty token.
     *
     * @throws DomainException INVALID_ARGUMENT naming {@code field} if the token was not issued by
     *     {@link #after} or was issued for another scope (another listing or filter)
     */
    public static String keyOf(String token, String scope, String field) {
        if (token == null || token.isEmpty()) {
            return null;
        }
        String text;
        try {
            text = new String(DECODER.decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            text = "";
        }
        int first = text.indexOf(SEPARATOR);
        int last = text.lastIndexOf(SEPARATOR);
        if (first < 0 || first == last || !text.substring(0, first).equals(MAGIC) || last == text.length() - 1) {
            throw DomainException.invalidArgument(field,
                    "is not a page token issued by this service; pass a token from an earlier response, or leave it empty to start from the beginning");
        }
        if (!text.substring(first + 1, last).equals(scope)) {
            throw DomainException.invalidArgument(field,
                    "was issued for a different query; send the same filter as the request that returned it, or leave it empty to start over");
        }
        return text.substring(last + 1);
    }
}
