package io.exora.extract.structured;

import java.util.Locale;
import java.util.Map;

/**
 * Allergy severity words ({@link io.exora.clinical.Allergy#severity()}) from SNOMED CT severity
 * codes (C-CDA) and FHIR's mild/moderate/severe. Ranges are rounded up ("mild to moderate" is
 * moderate): a person reading an allergy list should not under-read it.
 */
final class AllergySeverity {

  private static final Map<String, String> SNOMED =
      Map.of(
          "255604002", "mild",
          "371923003", "moderate", // mild to moderate
          "6736007", "moderate",
          "371924009", "severe", // moderate to severe
          "24484000", "severe",
          "442452003", "life_threatening",
          "399166001", "life_threatening"); // fatal

  private static final Map<String, Integer> RANK =
      Map.of("mild", 1, "moderate", 2, "severe", 3, "life_threatening", 4);

  private AllergySeverity() {}

  /** From a SNOMED CT code, else from the display words; null when neither names a severity. */
  static String of(Concept severity) {
    String code = severity.code(CodeSystem.SNOMED);
    if (code != null && SNOMED.containsKey(code)) {
      return SNOMED.get(code);
    }
    String name = severity.name();
    return name == null ? null : fromWord(name);
  }

  /** FHIR {@code reaction.severity}, or a display word such as "Moderate". */
  static String fromWord(String word) {
    String w = word.trim().toLowerCase(Locale.ROOT).replace(' ', '_').replace('-', '_');
    return RANK.containsKey(w) ? w : null;
  }

  /** The more severe of two, either of which may be null. */
  static String worst(String a, String b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return RANK.get(a) >= RANK.get(b) ? a : b;
  }
}
