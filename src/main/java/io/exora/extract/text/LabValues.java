package io.exora.extract.text;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The words of a lab row besides numbers: qualitative results ("Negative", "Trace", "2+") and
 * abnormal flags ("H", "LL", "(H)", "High", "*", "Critical").
 */
final class LabValues {

  /** A word or flag found at a position, as its normalised form and where it ends. */
  record Word(String value, int end) {}

  private static final Pattern QUALITATIVE = Pattern.compile(
      "(negative|neg|positive|pos|trace|small|moderate|large|[1-4]\\+|non-?reactive|reactive"
          + "|not detected|detected|none seen|none|few|many|rare|occasional|clear|slightly cloudy"
          + "|cloudy|hazy|turbid|pale yellow|dark yellow|light yellow|yellow|straw|amber|colorless"
          + "|red|brown|normal|abnormal|equivocal|indeterminate)(?![\\p{L}\\d+])",
      Pattern.CASE_INSENSITIVE);

  private static final Pattern FLAG = Pattern.compile(
      "([(\\[]?)\\s*(critical high|critical low|crit high|crit low|panic high|panic low|high|low"
          + "|abnormal|abn|critical|crit|hh|ll|hi|lo|h\\*|l\\*|\\*h|\\*l|h!|l!|ch|cl|h|l|\\*+|!)"
          + "\\s*([)\\]]?)(?![\\p{L}\\d])",
      Pattern.CASE_INSENSITIVE);

  private static final Pattern NEGATIVE_WORDS = Pattern.compile(
      "negative|neg|non-?reactive|not detected|none seen|none|absent", Pattern.CASE_INSENSITIVE);

  private LabValues() {}

  /** A qualitative result at {@code pos}, in display form: "Negative", "Trace", "2+". */
  static Optional<Word> qualitativeAt(String s, int pos) {
    Matcher m = QUALITATIVE.matcher(s).region(pos, s.length());
    if (!m.lookingAt()) {
      return Optional.empty();
    }
    String word = switch (m.group(1).toLowerCase(Locale.ROOT)) {
      case "neg" -> "Negative";
      case "pos" -> "Positive";
      case "nonreactive" -> "Non-reactive";
      default -> ReferenceRange.capitalize(m.group(1));
    };
    return Optional.of(new Word(word, m.end()));
  }

  /**
   * An abnormal flag at {@code pos}, as an interpretation: high, low, critical_high, critical_low or
   * abnormal. A bracket must close what it opens: "(H)" is a flag, "(Hemolyzed" is not.
   */
  static Optional<Word> flagAt(String s, int pos) {
    Matcher m = FLAG.matcher(s).region(pos, s.length());
    if (!m.lookingAt() || m.group(1).isEmpty() != m.group(3).isEmpty()) {
      return Optional.empty();
    }
    String flag = m.group(2).toLowerCase(Locale.ROOT);
    String interpretation = switch (flag) {
      case "h", "hi", "high" -> "high";
      case "l", "lo", "low" -> "low";
      case "hh", "h*", "*h", "h!", "ch", "critical high", "crit high", "panic high" -> "critical_high";
      case "ll", "l*", "*l", "l!", "cl", "critical low", "crit low", "panic low" -> "critical_low";
      default -> flag.equals("critical") || flag.equals("crit") ? "critical" : "abnormal";
    };
    return Optional.of(new Word(interpretation, m.end()));
  }

  static boolean isNegativeWord(String value) {
    return NEGATIVE_WORDS.matcher(value).matches();
  }
}
