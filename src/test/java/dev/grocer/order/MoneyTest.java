package dev.grocer.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Money in minor units, as the PostgreSQL store keeps it: exact both ways, loud when it cannot be. */
class MoneyTest {

    @Test
    void toMinorUnits_countsTheCurrencysMinorUnit() {
        assertThat(new Money("EUR", 12, 340_000_000).toMinorUnits()).isEqualTo(1_234);
        assertThat(new Money("JPY", 500, 0).toMinorUnits()).isEqualTo(500);
        assertThat(new Money("KWD", 1, 234_000_000).toMinorUnits()).isEqualTo(1_234);
        assertThat(new Money("CLF", 0, 100_000).toMinorUnits()).isEqualTo(1);
        assertThat(new Money("EUR", 0, 0).toMinorUnits()).isZero();
        assertThat(new Money("EUR", -1, -500_000_000).toMinorUnits()).isEqualTo(-150);
    }

    @Test
    void ofMinorUnits_isTheInverse_forEveryLong() {
        assertThat(Money.ofMinorUnits("EUR", 1_234)).isEqualTo(new Money("EUR", 12, 340_000_000));
        assertThat(Money.ofMinorUnits("JPY", 500)).isEqualTo(new Money("JPY", 500, 0));
        assertThat(Money.ofMinorUnits("KWD", 1_000_000_000_999_000_000L))
                .isEqualTo(new Money("KWD", 1_000_000_000_999_000L, 0));
        assertThat(Money.ofMinorUnits("EUR", -150)).isEqualTo(new Money("EUR", -1, -500_000_000));
        for (long minor : new long[] {0, 1, 99, 100, 101, Long.MAX_VALUE, Long.MIN_VALUE, -1}) {
            for (String currency : new String[] {"EUR", "JPY", "KWD", "CLF"}) {
                assertThat(Money.ofMinorUnits(currency, minor).toMinorUnits()).as(minor + " " + currency)
                        .isEqualTo(minor);
            }
        }
    }

    @Test
    void toMinorUnits_ofAFractionOfTheMinorUnitOrTooMuch_throws() {
        assertThatThrownBy(() -> new Money("EUR", 1, 234_000_000 + 5_000_000).toMinorUnits())
                .isInstanceOf(ArithmeticException.class).hasMessageContaining("not a whole number of minor units");
        assertThatThrownBy(() -> new Money("JPY", 1, 1).toMinorUnits()).isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> new Money("EUR", Long.MAX_VALUE / 100 + 1, 0).toMinorUnits())
                .isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> new Money("EUR", Long.MAX_VALUE / 100, 990_000_000).toMinorUnits())
                .isInstanceOf(ArithmeticException.class);
    }

    @Test
    void minorUnits_ofACodeWithoutOne_orNoCurrency_areRefused() {
        assertThatThrownBy(() -> new Money("XAU", 1, 0).toMinorUnits()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Money.ofMinorUnits("ABC", 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
