package io.exora.extract.structured;

import java.math.BigDecimal;

/**
 * Numbers from documents, bounded. A value such as "1e999999999" is legal in both XML and JSON but
 * is no clinical measurement, and printing it in full ({@code toPlainString}) would build a string
 * of a billion digits; such values are treated as absent.
 */
final class Decimals {

  /** More digits or a larger exponent than any measurement or dose has. */
  static final int MAX_DIGITS = 40;

  private Decimals() {}

  /** A decimal from text such as "12.80"; null when absent, not a number, or out of bounds. */
  static BigDecimal parse(String text) {
    if (text == null || text.length() > MAX_DIGITS) {
      return null;
    }
    try {
      return bounded(new BigDecimal(text.trim()));
    } catch (NumberFormatException notANumber) {
      return null;
    }
  }

  /** The value itself, or null when it is outside the bounds. */
  static BigDecimal bounded(BigDecimal value) {
    if (value == null
        || value.precision() > MAX_DIGITS
        || Math.abs((long) value.scale()) > MAX_DIGITS) {
      return null;
    }
    return value;
  }
}
