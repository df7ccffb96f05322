package io.exora.extract.structured;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;

/**
 * Dosing frequency as the words a prescription uses: "twice daily", "every 4 hours", "at bedtime".
 * C-CDA states frequency as a period ({@code PIVL_TS}: every 12 h; with institutionSpecified,
 * "twice a day at the times the ward uses") or an event ({@code EIVL_TS}: before meals); FHIR as
 * {@code Timing.repeat} (frequency per period, {@code when}) or a {@code Timing.code} (BID).
 */
final class DoseFrequency {

  /** HL7 TimingEvent codes, which C-CDA EIVL_TS and FHIR {@code repeat.when} share. */
  private static final Map<String, String> EVENTS =
      Map.ofEntries(
          Map.entry("HS", "at bedtime"),
          Map.entry("WAKE", "upon waking"),
          Map.entry("C", "with meals"),
          Map.entry("CM", "with breakfast"),
          Map.entry("CD", "with lunch"),
          Map.entry("CV", "with dinner"),
          Map.entry("AC", "before meals"),
          Map.entry("ACM", "before breakfast"),
          Map.entry("ACD", "before lunch"),
          Map.entry("ACV", "before dinner"),
          Map.entry("PC", "after meals"),
          Map.entry("PCM", "after breakfast"),
          Map.entry("PCD", "after lunch"),
          Map.entry("PCV", "after dinner"),
          Map.entry("MORN", "in the morning"),
          Map.entry("AFT", "in the afternoon"),
          Map.entry("EVE", "in the evening"),
          Map.entry("NIGHT", "at night"));

  /** HL7 GTSAbbreviation codes used as FHIR {@code Timing.code}. */
  private static final Map<String, String> TIMING_CODES =
      Map.of(
          "QD", "once daily",
          "BID", "twice daily",
          "TID", "three times daily",
          "QID", "four times daily",
          "QOD", "every other day",
          "AM", "in the morning",
          "PM", "in the evening",
          "Q4H", "every 4 hours",
          "Q6H", "every 6 hours",
          "Q8H", "every 8 hours");

  private static final String[] TIMES = {null, "once", "twice", "three times", "four times"};

  private DoseFrequency() {}

  /**
   * A period between doses. With {@code institutionSpecified} the period means "so many times a
   * day", so 12 h reads "twice daily" rather than a strict "every 12 hours".
   */
  static String everyPeriod(BigDecimal value, String unit, boolean institutionSpecified) {
    Unit u = Unit.of(unit);
    if (value == null || value.signum() <= 0 || u == null) {
      return null;
    }
    if (institutionSpecified && u == Unit.HOUR) {
      BigDecimal[] perDay = BigDecimal.valueOf(24).divideAndRemainder(value);
      if (perDay[1].signum() == 0 && perDay[0].intValue() >= 1) {
        return timesPer(perDay[0].intValue(), Unit.DAY);
      }
    }
    if (value.compareTo(BigDecimal.ONE) == 0 && u.onceWord != null) {
      return "once " + u.onceWord;
    }
    String n = value.stripTrailingZeros().toPlainString();
    return value.compareTo(BigDecimal.ONE) == 0
        ? "every " + u.singular
        : "every " + n + " " + u.plural;
  }

  /** FHIR {@code Timing.repeat}: {@code frequency} times per {@code period periodUnit}. */
  static String timesPerPeriod(int frequency, BigDecimal period, String periodUnit) {
    if (frequency <= 1) {
      return everyPeriod(period, periodUnit, false);
    }
    Unit u = Unit.of(periodUnit);
    if (period == null || u == null) {
      return null;
    }
    if (period.compareTo(BigDecimal.ONE) == 0 && u.onceWord != null) {
      return timesPer(frequency, u);
    }
    String n = period.stripTrailingZeros().toPlainString();
    return frequency + " times every " + n + " " + u.plural;
  }

  /** An EIVL_TS event or FHIR {@code when} code ("HS" is "at bedtime"), or null if unknown. */
  static String atEvent(String code) {
    return code == null ? null : EVENTS.get(code.trim().toUpperCase(Locale.ROOT));
  }

  /** A FHIR {@code Timing.code} such as "BID", or null if unknown. */
  static String fromTimingCode(String code) {
    return code == null ? null : TIMING_CODES.get(code.trim().toUpperCase(Locale.ROOT));
  }

  private static String timesPer(int times, Unit u) {
    String count = times < TIMES.length ? TIMES[times] : times + " times";
    return count + " " + u.onceWord;
  }

  /** UCUM time units as both formats write them (FHIR uses the same UCUM symbols). */
  private enum Unit {
    MINUTE("minute", "minutes", null),
    HOUR("hour", "hours", null),
    DAY("day", "days", "daily"),
    WEEK("week", "weeks", "weekly"),
    MONTH("month", "months", "monthly");

    final String singular;
    final String plural;
    final String onceWord;

    Unit(String singular, String plural, String onceWord) {
      this.singular = singular;
      this.plural = plural;
      this.onceWord = onceWord;
    }

    static Unit of(String ucum) {
      if (ucum == null) {
        return null;
      }
      return switch (ucum.trim()) {
        case "min" -> MINUTE;
        case "h" -> HOUR;
        case "d" -> DAY;
        case "wk" -> WEEK;
        case "mo" -> MONTH;
        default -> null;
      };
    }
  }
}
