package dev.grocer.common;

import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One page of a paginated List call (AIP-158), validated: where to start and how many to return.
 *
 * @param afterKey the key to resume after, or {@code null} for the first page
 * @param size how many items to return, at least 1
 * @param scope the listing and filter the page belongs to; its tokens are only valid for it
 */
public record PageRequest(String afterKey, int size, String scope) {

    /**
     * Reads {@code page_size} and {@code page_token}: a size of 0 means {@code defaultSize}, larger sizes
     * are capped at {@code maxSize}, a negative size or a foreign token is INVALID_ARGUMENT.
     *
     * @param keyIsValid whether a key taken from a token is one the listing could have issued
     */
    public static PageRequest of(int pageSize, String pageToken, String scope, int defaultSize, int maxSize,
            Predicate<String> keyIsValid) {
        Violations violations = new Violations();
        violations.check(pageSize >= 0, "page_size", "must be 0 (the default, " + defaultSize + ") or more, was "
                + pageSize);
        violations.throwIfAny();
        String after = PageTokens.keyOf(pageToken, scope, "page_token");
        if (after != null && !keyIsValid.test(after)) {
            throw DomainException.invalidArgument("page_token", "is not a page token issued by this service");
        }
        int size = pageSize == 0 ? defaultSize : Math.min(pageSize, maxSize);
        return new PageRequest(after, size, scope);
    }

    /** How many items to fetch: one more than the page, to learn whether another page follows. */
    public int fetchSize() {
        return size + 1;
    }

    /**
     * Cuts {@code fetched} (at most {@link #fetchSize()} items, in key order) into this page and the token
     * of the next one.
     */
    public <T> Page<T> toPage(List<T> fetched, Function<T, String> keyOf) {
        if (fetched.size() <= size) {
            return new Page<>(List.copyOf(fetched), "");
        }
        List<T> items = List.copyOf(fetched.subList(0, size));
        return new Page<>(items, PageTokens.after(scope, keyOf.apply(items.get(size - 1))));
    }

    /**
     * One page of results.
     *
     * @param items the page's items, in key order
     * @param nextPageToken the token of the next page, empty on the last page
     */
    public record Page<T>(List<T> items, String nextPageToken) {}
}
