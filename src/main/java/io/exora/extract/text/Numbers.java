package io.exora.extract.text;

import java.math.BigDecimal;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a number at a position of a line, through {@link OcrDigits} so OCR look-alikes count as
 * digits. A decimal comma is read as a point ("13,5"), except before exactly three digits, where it
 * groups thousands ("250,000"). Negative numbers are not read: a leading "-" is a range dash.
 */
final class Numbers {

  /** @param comparator "<", "<=", ">" or ">=" when the value is a bound ("<0.5", ">60"), else null */
  record Num(BigDecimal value, String comparator, int start, int end, boolean ocrCorrected) {

    /** The value as printed, normalised: "13.5", ">60". */
    String text() {
      return (comparator == null ? "" : comparator) + value.toPlainString();
    }
  }

  private static final Pattern NUMBER = Pattern.compile(
      "(?:([<>≤≥]=?|less than|greater than|under|over|up to|below|above)\\s*)?"
          + "(\\d{1,3}(?:,\\d{3})+(?![\\d,])|\\d+(?:[.,]\\d+)?|[.,]\\d+)",
      Pattern.CASE_INSENSITIVE);

  private Numbers() {}

  /** The number starting at {@code pos} (spaces skipped), or empty. */
  static Optional<Num> at(OcrDigits line, int pos) {
    String s = line.text();
    int p = skipSpaces(s, pos);
    if (p >= s.length() || (p > 0 && Character.isLetterOrDigit(s.charAt(p - 1))
        && Character.isLetterOrDigit(s.charAt(p)))) {
      return Optional.empty();
    }
    Matcher m = NUMBER.matcher(s).region(p, s.length());
    if (!m.lookingAt()) {
      return Optional.empty();
    }
    String digits = m.group(2);
    if (digits.startsWith(",")) {
      return Optional.empty();
    }
    BigDecimal value;
    if (digits.matches("\\d{1,3}(,\\d{3})+")) {
      value = new BigDecimal(digits.replace(",", ""));
    } else {
      value = new BigDecimal(digits.replace(',', '.'));
    }
    return Optional.of(new Num(value, comparator(m.group(1)), m.start(), m.end(),
        line.corrected(m.start(2), m.end(2))));
  }

  static int skipSpaces(String s, int pos) {
    int p = pos;
    while (p < s.length() && s.charAt(p) == ' ') {
      p++;
    }
    return p;
  }

  private static String comparator(String printed) {
    if (printed == null) {
      return null;
    }
    return switch (printed.toLowerCase().replace(" ", "")) {
      case "<", "lessthan", "under", "below" -> "<";
      case "<=", "≤", "upto" -> "<=";
      case ">", "greaterthan", "over", "above" -> ">";
      case ">=", "≥" -> ">=";
      default -> throw new IllegalStateException("comparator " + printed);
    };
  }
}
