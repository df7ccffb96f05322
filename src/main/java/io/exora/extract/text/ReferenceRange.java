package io.exora.extract.text;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A reference range as printed after a result: "4.0-5.5", "4.0 - 5.5", "4.0 to 5.5", "(70 - 99)",
 * "[3.5-5.1]", "<200", "< 200", "<=5.6", "> 60", "≥60", "Ref: 70-99", "Desirable: <200", and for
 * a qualitative result "Negative" or "(Non-reactive)".
 *
 * @param low the lower bound, or null ("<200" has none)
 * @param high the upper bound, or null ("> 60" has none)
 * @param text the range, normalised: "4.0-5.5", "<200", ">=60", "Negative"
 */
record ReferenceRange(BigDecimal low, BigDecimal high, String text) {

  /** A range found in a line, with where it ends. */
  record Found(ReferenceRange range, int end, boolean ocrCorrected) {}

  /** "Ref:", "Reference range", "Desirable:"; short words ("N", "Range") only with a colon, as
   *  "N" could be the start of "Negative". */
  private static final String LABEL = "(?:(?:ref(?:erence)?\\.?(?:\\s+(?:range|interval|value))?"
      + "|normal range|desirable|optimal|target|goal)\\s*[:=]?\\s*"
      + "|(?:normal|range|nl|n)\\s*[:=]\\s*)?";
  private static final Pattern OPEN = Pattern.compile("\\s*([(\\[]?)\\s*" + LABEL,
      Pattern.CASE_INSENSITIVE);
  private static final Pattern DASH = Pattern.compile("\\s*(?:-|to)\\s*", Pattern.CASE_INSENSITIVE);
  private static final Pattern QUALITATIVE = Pattern.compile(
      "(negative|neg|non-?reactive|not detected|none seen|none|normal|clear|yellow|absent)"
          + "(?![\\p{L}])",
      Pattern.CASE_INSENSITIVE);

  /** A numeric range starting at {@code pos} (after spaces), or empty. */
  static Optional<Found> numericAt(OcrDigits line, int pos) {
    String s = line.text();
    Matcher open = OPEN.matcher(s).region(pos, s.length());
    if (!open.lookingAt()) {
      return Optional.empty();
    }
    String bracket = open.group(1);
    int p = open.end();
    Optional<Numbers.Num> first = Numbers.at(line, p);
    if (first.isEmpty()) {
      return Optional.empty();
    }
    Numbers.Num a = first.get();
    ReferenceRange range;
    int end;
    boolean ocr = a.ocrCorrected();
    if (a.comparator() != null) {
      boolean upper = a.comparator().startsWith("<");
      range = new ReferenceRange(upper ? null : a.value(), upper ? a.value() : null, a.text());
      end = a.end();
    } else {
      Matcher dash = DASH.matcher(s).region(a.end(), s.length());
      if (!dash.lookingAt()) {
        return Optional.empty();
      }
      Optional<Numbers.Num> second = Numbers.at(line, dash.end());
      if (second.isEmpty() || second.get().comparator() != null
          || second.get().value().compareTo(a.value()) < 0) {
        return Optional.empty();
      }
      Numbers.Num b = second.get();
      range = new ReferenceRange(a.value(), b.value(),
          a.value().toPlainString() + "-" + b.value().toPlainString());
      end = b.end();
      ocr |= b.ocrCorrected();
    }
    return Optional.of(new Found(range, closeBracket(s, end, bracket), ocr));
  }

  /** A qualitative reference ("Negative", "(Non-reactive)") starting at {@code pos}, or empty. */
  static Optional<Found> qualitativeAt(String s, int pos) {
    Matcher open = OPEN.matcher(s).region(pos, s.length());
    if (!open.lookingAt()) {
      return Optional.empty();
    }
    Matcher q = QUALITATIVE.matcher(s).region(open.end(), s.length());
    if (!q.lookingAt()) {
      return Optional.empty();
    }
    String text = capitalize(q.group(1));
    return Optional.of(new Found(new ReferenceRange(null, null, text),
        closeBracket(s, q.end(), open.group(1)), false));
  }

  private static int closeBracket(String s, int end, String bracket) {
    if (bracket.isEmpty()) {
      return end;
    }
    int p = Numbers.skipSpaces(s, end);
    char close = bracket.equals("(") ? ')' : ']';
    return p < s.length() && s.charAt(p) == close ? p + 1 : end;
  }

  static String capitalize(String s) {
    String lower = s.toLowerCase(Locale.ROOT);
    return Character.toUpperCase(lower.charAt(0)) + lower.substring(1);
  }
}
