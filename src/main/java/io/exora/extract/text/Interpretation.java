package io.exora.extract.text;

import java.math.BigDecimal;

/**
 * A lab result's interpretation: normal, low, high, critical_low, critical_high or abnormal.
 *
 * <p>The report's own flag wins. A flag without a direction ("*", "A", "Critical") takes it from
 * the range. Without a flag, a number is compared with its range ("<200" excludes 200, "<=200"
 * includes it), and a qualitative result with its expected value ("Positive" against "Negative" is
 * abnormal). With neither a flag nor a range there is no interpretation: none is guessed.
 */
final class Interpretation {

  private Interpretation() {}

  static String of(Numbers.Num number, String text, ReferenceRange range, String flag) {
    String computed = null;
    if (number != null && range != null) {
      computed = number.comparator() == null
          ? compare(number.value(), range) : compareBound(number, range);
    } else if (text != null && range != null) {
      if (text.equalsIgnoreCase(range.text())) {
        computed = "normal";
      } else if (LabValues.isNegativeWord(range.text()) && !LabValues.isNegativeWord(text)) {
        computed = "abnormal";
      }
    }
    if (flag == null) {
      return computed;
    }
    return switch (flag) {
      case "critical" -> computed == null || computed.equals("normal") || computed.equals("abnormal")
          ? "abnormal" : "critical_" + computed;
      case "abnormal" -> computed == null || computed.equals("normal") ? "abnormal" : computed;
      default -> flag;
    };
  }

  private static String compare(BigDecimal value, ReferenceRange range) {
    String text = range.text();
    if (range.high() != null) {
      int c = value.compareTo(range.high());
      if (c > 0 || c == 0 && text.startsWith("<") && !text.startsWith("<=")) {
        return "high";
      }
    }
    if (range.low() != null) {
      int c = value.compareTo(range.low());
      if (c < 0 || c == 0 && text.startsWith(">") && !text.startsWith(">=")) {
        return "low";
      }
    }
    return "normal";
  }

  /** A bound such as ">60" against a range: normal only when the bound settles it. */
  private static String compareBound(Numbers.Num number, ReferenceRange range) {
    boolean above = number.comparator().startsWith(">");
    if (above && range.low() != null && range.high() == null
        && number.value().compareTo(range.low()) >= 0) {
      return "normal";
    }
    if (!above && range.high() != null
        && (range.low() == null || range.low().signum() == 0)
        && number.value().compareTo(range.high()) <= 0) {
      return "normal";
    }
    return null;
  }
}
