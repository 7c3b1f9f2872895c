package dev.grocer.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

class PageTokensTest {

    @Test
    void aTokenResumesAfterItsKey() {
        String token = PageTokens.after("0190b8d2-6f1e-7c3a-9d4b-2f6c1e8a5b7d");

        assertThat(token).doesNotContain("0190b8d2");
        assertThat(PageTokens.keyOf(token, "page_token")).isEqualTo("0190b8d2-6f1e-7c3a-9d4b-2f6c1e8a5b7d");
        assertThat(PageTokens.keyOf("", "page_token")).isNull();
    }

    @Test
    void tokensThisServiceDidNotIssueAreInvalidArguments() {
        for (String bogus : new String[] {"%%%", "aGVsbG8", PageTokens.after("").substring(0, 4)}) {
            DomainException e = catchThrowableOfType(DomainException.class, () -> PageTokens.keyOf(bogus, "page_token"));

            assertThat(e.kind()).isEqualTo(DomainException.Kind.INVALID_ARGUMENT);
            assertThat(e.violations()).extracting(FieldViolation::field).containsExactly("page_token");
        }
    }
}
