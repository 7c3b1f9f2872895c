package dev.grocer.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class PageTokensTest {

    private static final String KEY = "0190b8d2-6f1e-7c3a-9d4b-2f6c1e8a5b7d";

    private static DomainException rejected(String token, String scope) {
        return catchThrowableOfType(DomainException.class, () -> PageTokens.keyOf(token, scope, "page_token"));
    }

    @Test
    void aTokenResumesAfterItsKeyInItsScope() {
        String token = PageTokens.after("ListOrders?user_id=u1", KEY);

        assertThat(token).doesNotContain("0190b8d2");
        assertThat(PageTokens.keyOf(token, "ListOrders?user_id=u1", "page_token")).isEqualTo(KEY);
        assertThat(PageTokens.keyOf("", "ListOrders", "page_token")).isNull();
    }

    @Test
    void tokensThisServiceDidNotIssueAreInvalidArguments() {
        for (String bogus : List.of("%%%", "aGVsbG8", PageTokens.after("ListUsers", KEY).substring(0, 12))) {
            DomainException e = rejected(bogus, "ListUsers");

            assertThat(e.kind()).isEqualTo(DomainException.Kind.INVALID_ARGUMENT);
            assertThat(e.violations()).containsExactly(new FieldViolation("page_token",
                    "is not a page token issued by this service; pass a token from an earlier response, or leave it empty to start from the beginning"));
        }
    }

    @Test
    void aTokenOfAnotherQueryIsRejected() {
        DomainException e = rejected(PageTokens.after("ListOrders?user_id=u1", KEY), "ListOrders?user_id=u2");

        assertThat(e.violations()).extracting(FieldViolation::description).containsExactly(
                "was issued for a different query; send the same filter as the request that returned it, or leave it empty to start over");
    }

    @Test
    void pageRequest_defaultsCapsAndCutsPagesWithANextToken() {
        PageRequest first = PageRequest.of(0, "", "ListThings", 3, 5, key -> true);
        PageRequest capped = PageRequest.of(1_000, "", "ListThings", 3, 5, key -> true);
        List<String> fetched = IntStream.range(0, first.fetchSize()).mapToObj(i -> "k" + i).toList();

        PageRequest.Page<String> page = first.toPage(fetched, key -> key);
        PageRequest next = PageRequest.of(0, page.nextPageToken(), "ListThings", 3, 5, key -> true);

        assertThat(first.size()).isEqualTo(3);
        assertThat(capped.size()).isEqualTo(5);
        assertThat(page.items()).containsExactly("k0", "k1", "k2");
        assertThat(next.afterKey()).isEqualTo("k2");
        assertThat(first.toPage(List.of("k0", "k1", "k2"), key -> key).nextPageToken()).isEmpty();
    }

    @Test
    void pageRequest_rejectsNegativeSizesAndKeysTheListingCannotHaveIssued() {
        DomainException negative = catchThrowableOfType(DomainException.class,
                () -> PageRequest.of(-1, "", "ListThings", 3, 5, key -> true));
        DomainException badKey = catchThrowableOfType(DomainException.class,
                () -> PageRequest.of(0, PageTokens.after("ListThings", "x"), "ListThings", 3, 5, key -> false));

        assertThat(negative.violations()).containsExactly(
                new FieldViolation("page_size", "must be 0 (the default, 3) or more, was -1"));
        assertThat(badKey.violations()).extracting(FieldViolation::field).containsExactly("page_token");
    }
}
