package io.exora.extract.structured;

import java.util.Locale;

/**
 * HL7 v3 ObservationInterpretation codes, which C-CDA {@code interpretationCode} and FHIR {@code
 * Observation.interpretation} share, mapped to {@link io.exora.clinical.LabResult}'s words.
 */
final class Interpretations {

  private Interpretations() {}

  /** The interpretation word for a code, or null for codes that say nothing about the range. */
  static String of(String code) {
    if (code == null) {
      return null;
    }
    return switch (code.trim().toUpperCase(Locale.ROOT)) {
      case "N" -> "normal";
      case "L", "LU" -> "low"; // LU: "significantly low", still not critical
      case "H", "HU" -> "high";
      case "LL" -> "critical_low";
      case "HH" -> "critical_high";
      case "A", "AA" -> "abnormal"; // AA: critically abnormal, with no direction to say which
      default -> null;
    };
  }
}
