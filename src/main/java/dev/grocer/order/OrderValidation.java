package dev.grocer.order;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import dev.grocer.common.Violations;

/**
 * What a valid order's items and delivery address are: limits on items, quantities and prices, one
 * currency per order, prices in whole minor units, a total that fits the stores. Each check records every bad
 * field in the caller's {@link Violations} (with its path in the request) and returns the cleaned value, so
 * one reply names all that is wrong. Used by {@link OrderManagement}.
 */
final class OrderValidation {

    static final int MAX_ITEMS = 100;
    static final int MAX_QUANTITY = 10_000;
    static final long MAX_UNIT_PRICE_UNITS = 1_000_000_000L;
    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
    private static final Pattern POSTAL_CODE = Pattern.compile("[A-Za-z0-9 -]+");

    private OrderValidation() {
    }

    /**
     * Checks a new order's items, at {@code order.items}: returns them with their product names trimmed (or
     * {@code items} unchanged when their number is already wrong).
     */
    static List<OrderItem> checkItems(List<OrderItem> items, Violations violations) {
        if (!violations.check(!items.isEmpty() && items.size() <= MAX_ITEMS, "order.items",
                "must hold 1 to " + MAX_ITEMS + " items, held " + items.size())) {
            return items;
        }
        List<OrderItem> clean = new ArrayList<>(items.size());
        String currency = null;
        boolean allValid = true;
        for (int i = 0; i < items.size(); i++) {
            String at = "order.items[" + i + "]";
            OrderItem item = items.get(i);
            String product = violations.singleLine(item.product(), at + ".product", 100);
            allValid &= violations.check(item.quantity() >= 1 && item.quantity() <= MAX_QUANTITY, at + ".quantity",
                    "must be 1 to " + MAX_QUANTITY + ", was " + item.quantity());
            Money price = item.unitPrice();
            if (violations.check(price != null, at + ".unit_price", "is required")) {
                String code = price.currencyCode();
                Integer decimals = null;
                if (violations.check(CURRENCY.matcher(code).matches(), at + ".unit_price.currency_code",
                        "must be a three-letter ISO 4217 code like EUR, was '" + code + "'")) {
                    decimals = checkCurrency(code, at + ".unit_price.currency_code", violations);
                    if (decimals != null) {
                        if (currency == null) {
                            currency = code;
                        }
                        allValid &= violations.check(currency.equals(code), at + ".unit_price.currency_code",
                                "must be the currency of the order's first item (" + currency + "), was " + code);
                    }
                }
                allValid &= violations.check(price.units() >= 0 && price.units() <= MAX_UNIT_PRICE_UNITS,
                        at + ".unit_price.units", "must be 0 to " + MAX_UNIT_PRICE_UNITS + ", was " + price.units());
                boolean nanosInRange = violations.check(price.nanos() >= 0 && price.nanos() <= 999_999_999,
                        at + ".unit_price.nanos", "must be 0 to 999999999 (prices are never negative), was "
                                + price.nanos());
                if (decimals != null && nanosInRange) {
                    allValid &= checkMinorUnits(price, decimals, at + ".unit_price.nanos", violations);
                }
                allValid &= decimals != null && nanosInRange;
            } else {
                allValid = false;
            }
            clean.add(new OrderItem(product, item.quantity(), price));
        }
        if (allValid) {
            checkTotalFits(clean, violations);
        }
        return clean;
    }

    /**
     * Checks that {@code code} is an ISO 4217 currency with a minor unit: both stores keep money as whole
     * minor units ({@link Money#toMinorUnits()}). Returns its decimal places, or {@code null} if it is none.
     */
    private static Integer checkCurrency(String code, String field, Violations violations) {
        int decimals;
        try {
            decimals = Money.decimalPlaces(code);
        } catch (IllegalArgumentException e) {
            violations.add(field, "must be an ISO 4217 currency code like EUR; '" + code
                    + "' is not an ISO 4217 currency");
            return null;
        }
        if (!violations.check(decimals >= 0, field, "must be a currency with a minor unit, like EUR; '" + code
                + "' is an ISO 4217 code without one (a precious metal, a fund, a test or no-currency code)")) {
            return null;
        }
        return decimals;
    }

    /** Checks that a price is a whole number of its currency's minor unit: 1.23 EUR, but not 1.234 EUR. */
    private static boolean checkMinorUnits(Money price, int decimals, String field, Violations violations) {
        long nanosPerMinorUnit = 1;
        for (int i = decimals; i < 9; i++) {
            nanosPerMinorUnit *= 10;
        }
        String code = price.currencyCode();
        return violations.check(price.nanos() % nanosPerMinorUnit == 0, field,
                "must be a whole number of the currency's minor unit: " + code + " has " + decimals
                        + " decimal places, so nanos must be " + (decimals == 0 ? "0"
                                : "a multiple of " + nanosPerMinorUnit + " ("
                                        + BigDecimal.ONE.movePointLeft(decimals).toPlainString() + " " + code + ")")
                        + ", was " + price.nanos());
    }

    /**
     * Checks that the total fits in a {@code long} of minor units, as the stores keep it. Within the limits on
     * items, quantities and prices it always does for currencies with up to 3 decimal places; CLF has 4.
     */
    private static void checkTotalFits(List<OrderItem> items, Violations violations) {
        try {
            long total = 0;
            for (OrderItem item : items) {
                total = Math.addExact(total, Math.multiplyExact(item.unitPrice().toMinorUnits(), item.quantity()));
            }
        } catch (ArithmeticException e) {
            String code = items.get(0).unitPrice().currencyCode();
            violations.add("order.items", "must add up to at most "
                    + BigDecimal.valueOf(Long.MAX_VALUE, Money.decimalPlaces(code)).toPlainString() + " " + code
                    + " (" + Long.MAX_VALUE + " minor units), the most an order's total can be; order fewer or "
                    + "cheaper items");
        }
    }

    /**
     * Checks a delivery address at {@code at} (e.g. {@code order.delivery_address}): returns it with every part
     * trimmed, or {@code null} if there is none.
     */
    static Address checkAddress(Address address, String at, Violations violations) {
        if (!violations.check(address != null, at, "is required")) {
            return null;
        }
        Address clean = new Address(
                violations.singleLine(address.street(), at + ".street", 200),
                violations.singleLine(address.number(), at + ".number", 20),
                violations.singleLine(address.city(), at + ".city", 100),
                violations.singleLine(address.postalCode(), at + ".postal_code", 20));
        if (!clean.postalCode().isEmpty() && clean.postalCode().length() <= 20) {
            violations.check(POSTAL_CODE.matcher(clean.postalCode()).matches(), at + ".postal_code",
                    "may hold only letters, digits, spaces and dashes, was '" + clean.postalCode() + "'");
        }
        return clean;
    }
}
