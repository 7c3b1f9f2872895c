package dev.grocer.order;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import dev.grocer.common.DomainException;
import dev.grocer.common.FieldViolation;
import dev.grocer.common.Violations;

/**
 * The rules of a valid order's items and address, without a server: each case compares the exact field
 * violations (path and message) that RegisterOrder and UpdateOrderAddress answer INVALID_ARGUMENT with.
 */
class OrderValidationTest {

    private static final Address HOME = new Address("Main Street", "12B", "Springfield", "SW1A 1AA");

    private final Violations violations = new Violations();

    private static OrderItem item(String product, int quantity, String currency, long units, int nanos) {
        return new OrderItem(product, quantity, new Money(currency, units, nanos));
    }

    /** What {@link Violations#throwIfAny()} reports: nothing, or INVALID_ARGUMENT with these violations. */
    private List<FieldViolation> reported() {
        try {
            violations.throwIfAny();
            return List.of();
        } catch (DomainException e) {
            assertThat(e.kind()).isEqualTo(DomainException.Kind.INVALID_ARGUMENT);
            return e.violations();
        }
    }

    private static FieldViolation violation(String field, String description) {
        return new FieldViolation(field, description);
    }

    @Nested
    class Items {

        @Test
        void validItems_areReturnedWithTheirProductNamesTrimmed_andNothingIsReported() {
            List<OrderItem> clean = OrderValidation.checkItems(List.of(item("  Apple ", 2, "EUR", 1, 250_000_000),
                    item("Bread", 1, "EUR", 3, 100_000_000)), violations);

            assertThat(reported()).isEmpty();
            assertThat(clean).containsExactly(item("Apple", 2, "EUR", 1, 250_000_000),
                    item("Bread", 1, "EUR", 3, 100_000_000));
        }

        @Test
        void noItems_orMoreThanAHundred_areInvalid_andTheItemsAreNotCheckedOneByOne() {
            List<OrderItem> tooMany = new ArrayList<>(Collections.nCopies(101, item("", 0, "EUR", -1, 0)));

            List<OrderItem> none = OrderValidation.checkItems(List.of(), violations);
            List<OrderItem> returned = OrderValidation.checkItems(tooMany, violations);

            assertThat(reported()).containsExactly(violation("order.items", "must hold 1 to 100 items, held 0"),
                    violation("order.items", "must hold 1 to 100 items, held 101"));
            assertThat(none).isEmpty();
            assertThat(returned).isSameAs(tooMany);
        }

        @Test
        void aProductNameMustBeOneLineOf1To100Characters() {
            OrderValidation.checkItems(List.of(item(" ", 1, "EUR", 1, 0), item("x".repeat(101), 1, "EUR", 1, 0),
                    item("Two\nlines", 1, "EUR", 1, 0)), violations);

            assertThat(reported()).containsExactly(
                    violation("order.items[0].product", "must be 1 to 100 characters after trimming, was 0"),
                    violation("order.items[1].product", "must be 1 to 100 characters after trimming, was 101"),
                    violation("order.items[2].product",
                            "must not contain control characters (tabs, line breaks, ...)"));
        }

        @Test
        void quantitiesRunFrom1To10000() {
            OrderValidation.checkItems(List.of(item("Apple", 0, "EUR", 1, 0), item("Pear", 10_001, "EUR", 1, 0),
                    item("Plum", 10_000, "EUR", 1, 0)), violations);

            assertThat(reported()).containsExactly(
                    violation("order.items[0].quantity", "must be 1 to 10000, was 0"),
                    violation("order.items[1].quantity", "must be 1 to 10000, was 10001"));
        }

        @Test
        void aUnitPriceIsRequired() {
            OrderValidation.checkItems(List.of(new OrderItem("Apple", 1, null)), violations);

            assertThat(reported()).containsExactly(violation("order.items[0].unit_price", "is required"));
        }

        @Test
        void unitsRunFrom0ToOneBillion_andNanosAreNeverNegative() {
            OrderValidation.checkItems(List.of(item("Apple", 1, "EUR", -1, 0),
                    item("Pear", 1, "EUR", 1_000_000_001L, 0), item("Plum", 1, "EUR", 0, -10_000_000),
                    item("Fig", 1, "EUR", 1_000_000_000L, 990_000_000)), violations);

            assertThat(reported()).containsExactly(
                    violation("order.items[0].unit_price.units", "must be 0 to 1000000000, was -1"),
                    violation("order.items[1].unit_price.units", "must be 0 to 1000000000, was 1000000001"),
                    violation("order.items[2].unit_price.nanos",
                            "must be 0 to 999999999 (prices are never negative), was -10000000"));
        }
    }

    @Nested
    class Currencies {

        @Test
        void mixedCurrencies_areInvalid_onEachItemThatDiffersFromTheFirst() {
            OrderValidation.checkItems(List.of(item("Apple", 1, "EUR", 1, 0), item("Cheese", 1, "USD", 2, 0),
                    item("Bread", 1, "EUR", 3, 0), item("Tea", 1, "GBP", 4, 0)), violations);

            assertThat(reported()).containsExactly(
                    violation("order.items[1].unit_price.currency_code",
                            "must be the currency of the order's first item (EUR), was USD"),
                    violation("order.items[3].unit_price.currency_code",
                            "must be the currency of the order's first item (EUR), was GBP"));
        }

        @Test
        void theOrdersCurrency_isTheFirstValidOne() {
            OrderValidation.checkItems(List.of(item("Apple", 1, "ABC", 1, 0), item("Cheese", 1, "USD", 2, 0),
                    item("Bread", 1, "EUR", 3, 0)), violations);

            assertThat(reported()).containsExactly(
                    violation("order.items[0].unit_price.currency_code",
                            "must be an ISO 4217 currency code like EUR; 'ABC' is not an ISO 4217 currency"),
                    violation("order.items[2].unit_price.currency_code",
                            "must be the currency of the order's first item (USD), was EUR"));
        }

        @Test
        void aCurrencyCode_isThreeUpperCaseLetters_ofAnIso4217CurrencyWithAMinorUnit() {
            OrderValidation.checkItems(List.of(item("Apple", 1, "eur", 1, 0), item("Pear", 1, "EURO", 1, 0),
                    item("Plum", 1, "ABC", 1, 0), item("Gold bar", 1, "XAU", 1, 0)), violations);

            assertThat(reported()).containsExactly(
                    violation("order.items[0].unit_price.currency_code",
                            "must be a three-letter ISO 4217 code like EUR, was 'eur'"),
                    violation("order.items[1].unit_price.currency_code",
                            "must be a three-letter ISO 4217 code like EUR, was 'EURO'"),
                    violation("order.items[2].unit_price.currency_code",
                            "must be an ISO 4217 currency code like EUR; 'ABC' is not an ISO 4217 currency"),
                    violation("order.items[3].unit_price.currency_code",
                            "must be a currency with a minor unit, like EUR; 'XAU' is an ISO 4217 code without one"
                                    + " (a precious metal, a fund, a test or no-currency code)"));
        }
    }

    @Nested
    class MinorUnits {

        @Test
        void euros_comeInWholeCents_so1Point234EurIsInvalidOnItsNanos() {
            OrderValidation.checkItems(List.of(item("Apple", 1, "EUR", 1, 230_000_000),
                    item("Saffron", 1, "EUR", 1, 234_000_000)), violations);

            assertThat(reported()).containsExactly(violation("order.items[1].unit_price.nanos",
                    "must be a whole number of the currency's minor unit: EUR has 2 decimal places, so nanos must be"
                            + " a multiple of 10000000 (0.01 EUR), was 234000000"));
        }

        @Test
        void yen_haveNoDecimals_soTheirNanosMustBe0() {
            OrderValidation.checkItems(List.of(item("Rice", 1, "JPY", 500, 500_000_000)), violations);

            assertThat(reported()).containsExactly(violation("order.items[0].unit_price.nanos",
                    "must be a whole number of the currency's minor unit: JPY has 0 decimal places, so nanos must be"
                            + " 0, was 500000000"));
        }

        @Test
        void dinars_haveThreeDecimals_soFilsAreValid_andTenthsOfAFilsAreNot() {
            OrderValidation.checkItems(List.of(item("Dates", 1, "KWD", 1, 234_000_000),
                    item("Tea", 1, "KWD", 1, 234_500_000)), violations);

            assertThat(reported()).containsExactly(violation("order.items[1].unit_price.nanos",
                    "must be a whole number of the currency's minor unit: KWD has 3 decimal places, so nanos must be"
                            + " a multiple of 1000000 (0.001 KWD), was 234500000"));
        }
    }

    @Nested
    class Total {

        @Test
        void theLargestOrderOfAThreeDecimalCurrency_fitsALongOfMinorUnits() {
            List<OrderItem> pearls = Collections.nCopies(OrderValidation.MAX_ITEMS, item("Pearl",
                    OrderValidation.MAX_QUANTITY, "KWD", OrderValidation.MAX_UNIT_PRICE_UNITS, 999_000_000));

            OrderValidation.checkItems(pearls, violations);

            assertThat(reported()).isEmpty();
        }

        @Test
        void aTotalOverALongOfMinorUnits_isInvalidOnTheItems() {
            // CLF has 4 decimal places: 100 x 10000 x 1000000000 CLF is 10^19 ten-thousandths, more than a long.
            List<OrderItem> units = Collections.nCopies(100, item("Unit", 10_000, "CLF", 1_000_000_000, 0));

            OrderValidation.checkItems(units, violations);

            assertThat(reported()).containsExactly(violation("order.items",
                    "must add up to at most 922337203685477.5807 CLF (9223372036854775807 minor units), the most an"
                            + " order's total can be; order fewer or cheaper items"));
        }

        @Test
        void theTotalIsNotChecked_whileAnItemIsInvalid() {
            List<OrderItem> units = new ArrayList<>(Collections.nCopies(99,
                    item("Unit", 10_000, "CLF", 1_000_000_000, 0)));
            units.add(item("Unit", 0, "CLF", 1_000_000_000, 0));

            OrderValidation.checkItems(units, violations);

            assertThat(reported()).containsExactly(violation("order.items[99].quantity", "must be 1 to 10000, was 0"));
        }
    }

    @Nested
    class Addresses {

        @Test
        void aValidAddress_isReturnedTrimmed() {
            Address clean = OrderValidation.checkAddress(new Address(" Main Street ", "12B", " Springfield",
                    "SW1A 1AA "), "order.delivery_address", violations);

            assertThat(reported()).isEmpty();
            assertThat(clean).isEqualTo(HOME);
        }

        @Test
        void anAddressIsRequired() {
            Address clean = OrderValidation.checkAddress(null, "delivery_address", violations);

            assertThat(clean).isNull();
            assertThat(reported()).containsExactly(violation("delivery_address", "is required"));
        }

        @Test
        void everyPartIsOneLine_withinItsLength_underThePathItWasGiven() {
            OrderValidation.checkAddress(new Address("x".repeat(201), "", "Spring\tfield", "x".repeat(21)),
                    "order.delivery_address", violations);

            assertThat(reported()).containsExactly(
                    violation("order.delivery_address.street", "must be 1 to 200 characters after trimming, was 201"),
                    violation("order.delivery_address.number", "must be 1 to 20 characters after trimming, was 0"),
                    violation("order.delivery_address.city",
                            "must not contain control characters (tabs, line breaks, ...)"),
                    violation("order.delivery_address.postal_code",
                            "must be 1 to 20 characters after trimming, was 21"));
        }

        @Test
        void aPostalCode_holdsOnlyLettersDigitsSpacesAndDashes() {
            OrderValidation.checkAddress(new Address("Main Street", "12B", "Springfield", "12#4"), "delivery_address",
                    violations);
            OrderValidation.checkAddress(new Address("Main Street", "12B", "Springfield", "AB-12 3"),
                    "delivery_address", violations);

            assertThat(reported()).containsExactly(violation("delivery_address.postal_code",
                    "may hold only letters, digits, spaces and dashes, was '12#4'"));
        }
    }
}
