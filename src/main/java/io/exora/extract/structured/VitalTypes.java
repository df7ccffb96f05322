package io.exora.extract.structured;

import java.util.Map;

/**
 * LOINC codes of vital signs, mapped to {@link io.exora.clinical.VitalSign#type()}. Systolic and
 * diastolic pressure are not here: they are paired into one blood_pressure event by each reader.
 * Codes with no Exora type (BMI percentile, weight-for-length percentile, mean arterial pressure)
 * are absent on purpose; readers skip them with a note.
 */
final class VitalTypes {

  static final String SYSTOLIC = "8480-6";
  static final String DIASTOLIC = "8462-4";

  /** "Blood pressure panel with all children optional": the code a paired reading carries. */
  static final String BP_PANEL = "85354-9";

  /** "Blood pressure systolic and diastolic", an older panel code some systems still send. */
  static final String BP_PANEL_OLD = "55284-4";

  private static final Map<String, String> TYPES =
      Map.ofEntries(
          Map.entry("8867-4", "heart_rate"),
          Map.entry("8310-5", "temperature"),
          Map.entry("8331-1", "temperature"), // oral
          Map.entry("8328-7", "temperature"), // axillary
          Map.entry("9279-1", "respiratory_rate"),
          Map.entry("59408-5", "oxygen_saturation"), // by pulse oximetry
          Map.entry("2708-6", "oxygen_saturation"), // arterial blood
          Map.entry("2710-2", "oxygen_saturation"), // capillary blood by oximetry
          Map.entry("29463-7", "weight"),
          Map.entry("3141-9", "weight"), // measured
          Map.entry("8302-2", "height"),
          Map.entry("8306-3", "height"), // lying (infant length)
          Map.entry("39156-5", "bmi"),
          Map.entry("9843-4", "head_circumference"),
          Map.entry("8287-5", "head_circumference"), // by tape measure
          Map.entry("2339-0", "blood_glucose"),
          Map.entry("41653-7", "blood_glucose"), // by glucometer
          Map.entry("72514-3", "pain_score"));

  private VitalTypes() {}

  /** The vital type for a LOINC code, or null when Exora has none. */
  static String typeOf(String loinc) {
    return loinc == null ? null : TYPES.get(loinc);
  }

  static boolean isBloodPressurePanel(String loinc) {
    return BP_PANEL.equals(loinc) || BP_PANEL_OLD.equals(loinc);
  }
}
