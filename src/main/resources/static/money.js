// google.type.Money in protobuf's JSON mapping: {currencyCode, units, nanos}, units an int64 (so a string)
// and nanos the billionths; either is left out when it is 0. Decimal text in and out, no floating point.

const DECIMAL = /^(\d+)(?:\.(\d{1,9}))?$/;

/** "1.50" and "EUR" as a Money, or null when the text is not a plain decimal number. */
export function parseMoney(text, currencyCode) {
  const match = DECIMAL.exec(text.trim());
  if (!match) {
    return null;
  }
  const [, whole, fraction = ''] = match;
  return { currencyCode, units: BigInt(whole).toString(), nanos: Number(fraction.padEnd(9, '0')) };
}

/** A Money as people read it, e.g. "EUR 8.32", with the currency's own number of decimals. */
export function formatMoney(money) {
  const amount = `${money.units ?? '0'}.${String(money.nanos ?? 0).padStart(9, '0')}`;
  // A decimal string keeps every digit (a Number would not past 2^53); "en" keeps the layout the same everywhere.
  return new Intl.NumberFormat('en', { style: 'currency', currency: money.currencyCode, currencyDisplay: 'code' })
    .format(amount);
}
