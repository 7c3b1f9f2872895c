package dev.grocer.order;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * An exact amount of money in one currency, shaped like {@code google.type.Money}: whole units plus
 * nanos (10^-9 units). Never a float.
 *
 * @param currencyCode a three-letter ISO 4217 code
 * @param units whole units
 * @param nanos billionths of a unit, with the sign of {@code units}
 */
public record Money(String currencyCode, long units, int nanos) {

    private static final BigDecimal NANOS_PER_UNIT = BigDecimal.valueOf(1_000_000_000L);

    /** The amount as a decimal. */
    public BigDecimal amount() {
        return BigDecimal.valueOf(units).add(BigDecimal.valueOf(nanos).divide(NANOS_PER_UNIT));
    }

    /** {@code amount} in {@code currencyCode}; precision beyond nanos is an error. */
    public static Money of(String currencyCode, BigDecimal amount) {
        BigInteger whole = amount.toBigInteger();
        int nanos = amount.subtract(new BigDecimal(whole)).multiply(NANOS_PER_UNIT).intValueExact();
        return new Money(currencyCode, whole.longValueExact(), nanos);
    }

    /** This amount times {@code quantity}. */
    public Money times(int quantity) {
        return of(currencyCode, amount().multiply(BigDecimal.valueOf(quantity)));
    }

    /** The sum of this and {@code other}, which must be in the same currency. */
    public Money plus(Money other) {
        if (!currencyCode.equals(other.currencyCode)) {
            throw new IllegalArgumentException("cannot add " + other.currencyCode + " to " + currencyCode);
        }
        return of(currencyCode, amount().add(other.amount()));
    }
}
