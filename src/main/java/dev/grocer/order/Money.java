package dev.grocer.order;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Currency;

/**
 * An exact amount of money in one currency, shaped like {@code google.type.Money}: whole units plus
 * nanos (10^-9 units). Never a float. Prices and totals of orders are whole numbers of their currency's minor
 * unit (cents for EUR, yen for JPY, fils for KWD; {@link OrderManagement} rejects others), so the PostgreSQL
 * store keeps them as one {@code bigint} of minor units ({@link #toMinorUnits()}, {@link #ofMinorUnits}).
 *
 * @param currencyCode a three-letter ISO 4217 code
 * @param units whole units
 * @param nanos billionths of a unit, with the sign of {@code units}
 */
public record Money(String currencyCode, long units, int nanos) {

    private static final BigDecimal NANOS_PER_UNIT = BigDecimal.valueOf(1_000_000_000L);
    private static final long[] POWERS_OF_TEN = {1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L,
            10_000_000L, 100_000_000L, 1_000_000_000L};

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

    /**
     * This amount as a whole number of its currency's minor unit, e.g. 12.34 EUR as 1234 and 500 JPY as 500.
     *
     * @throws ArithmeticException if the amount is not a whole number of minor units, or the result does not
     *     fit in a {@code long}
     * @throws IllegalArgumentException if the currency is not an ISO 4217 currency with a minor unit
     */
    public long toMinorUnits() {
        int digits = fractionDigits(currencyCode);
        long nanosPerMinor = POWERS_OF_TEN[9 - digits];
        if (nanos % nanosPerMinor != 0) {
            throw new ArithmeticException(this + " is not a whole number of minor units of " + currencyCode
                    + " (" + digits + " decimal places)");
        }
        return Math.addExact(Math.multiplyExact(units, POWERS_OF_TEN[digits]), nanos / nanosPerMinor);
    }

    /**
     * {@code minor} minor units of {@code currencyCode}, e.g. 1234 EUR cents as 12.34 EUR. Exact: every
     * {@code long} has one (units and nanos of the same sign).
     *
     * @throws IllegalArgumentException if the currency is not an ISO 4217 currency with a minor unit
     */
    public static Money ofMinorUnits(String currencyCode, long minor) {
        int digits = fractionDigits(currencyCode);
        long perUnit = POWERS_OF_TEN[digits];
        return new Money(currencyCode, minor / perUnit, (int) (minor % perUnit * POWERS_OF_TEN[9 - digits]));
    }

    /**
     * How many decimal places {@code currencyCode}'s minor unit has (2 for EUR, 0 for JPY, 3 for KWD), or -1
     * if it is an ISO 4217 code without one (gold, special drawing rights, the test code XTS).
     *
     * @throws IllegalArgumentException if it is not an ISO 4217 currency code at all
     */
    static int decimalPlaces(String currencyCode) {
        return Currency.getInstance(currencyCode).getDefaultFractionDigits();
    }

    private static int fractionDigits(String currencyCode) {
        int digits = decimalPlaces(currencyCode);
        if (digits < 0 || digits > 9) {
            throw new IllegalArgumentException(currencyCode + " has no minor unit that nanos can express");
        }
        return digits;
    }
}
