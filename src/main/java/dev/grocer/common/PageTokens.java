package dev.grocer.common;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Opaque page tokens (AIP-158): the position to resume after, wrapped so clients treat it as a token
 * rather than an id they may construct or edit.
 */
public final class PageTokens {

    private static final String PREFIX = "grocer/v1/after/";

    private PageTokens() {}

    /** The token that resumes a listing after {@code key}. */
    public static String after(String key) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((PREFIX + key).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The key a token resumes after, or {@code null} for an empty token.
     *
     * @throws DomainException INVALID_ARGUMENT naming {@code field} if the token was not made by {@link #after}
     */
    public static String keyOf(String token, String field) {
        if (token.isEmpty()) {
            return null;
        }
        String text;
        try {
            text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            text = "";
        }
        if (!text.startsWith(PREFIX) || text.length() == PREFIX.length()) {
            throw DomainException.invalidArgument(field,
                    "is not a page token issued by this service; pass a token from an earlier response, or leave it empty to start from the beginning");
        }
        return text.substring(PREFIX.length());
    }
}
