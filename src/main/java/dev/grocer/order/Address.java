package dev.grocer.order;

/**
 * A delivery address; every field is required text (house numbers and postal codes are not numbers).
 *
 * @param street the street
 * @param number the house number, e.g. "12B"
 * @param city the city
 * @param postalCode the postal code, e.g. "SW1A 1AA"
 */
public record Address(String street, String number, String city, String postalCode) {}
