package io.exora.extract.text;

import java.math.BigDecimal;
import java.util.Locale;

/**
 * The vital signs read from text, with their LOINC codes and the values a person can have. A value
 * outside {@link #plausible} is a misreading (or not a vital sign at all) and is dropped.
 */
enum VitalKind {
  BLOOD_PRESSURE("blood_pressure", "Blood pressure", "85354-9"),
  HEART_RATE("heart_rate", "Heart rate", "8867-4"),
  TEMPERATURE("temperature", "Body temperature", "8310-5"),
  RESPIRATORY_RATE("respiratory_rate", "Respiratory rate", "9279-1"),
  OXYGEN_SATURATION("oxygen_saturation", "Oxygen saturation", "59408-5"),
  WEIGHT("weight", "Body weight", "29463-7"),
  HEIGHT("height", "Body height", "8302-2"),
  BMI("bmi", "Body mass index", "39156-5"),
  BLOOD_GLUCOSE("blood_glucose", "Blood glucose", "2339-0"),
  HEAD_CIRCUMFERENCE("head_circumference", "Head circumference", "9843-4"),
  PAIN_SCORE("pain_score", "Pain score", "72514-3");

  /** Body height measured lying down, as for infants ("Length 68 cm"). */
  static final String LENGTH_LOINC = "8306-3";

  final String type;
  final String display;
  final String loinc;

  VitalKind(String type, String display, String loinc) {
    this.type = type;
    this.display = display;
    this.loinc = loinc;
  }

  /** Whether a person can have this value in this UCUM unit. */
  boolean plausible(BigDecimal value, String unit) {
    double v = value.doubleValue();
    return switch (this) {
      case BLOOD_PRESSURE -> v >= 40 && v <= 300;
      case HEART_RATE -> v >= 20 && v <= 300;
      case TEMPERATURE -> "Cel".equals(unit) ? v >= 25 && v <= 46 : v >= 77 && v <= 115;
      case RESPIRATORY_RATE -> v >= 3 && v <= 120;
      case OXYGEN_SATURATION -> v >= 40 && v <= 100;
      case WEIGHT -> switch (unit == null ? "" : unit) {
        case "kg" -> v >= 0.3 && v <= 400;
        case "[lb_av]" -> v >= 0.6 && v <= 900;
        case "g" -> v >= 300 && v <= 10_000;
        default -> v >= 0.3 && v <= 900;
      };
      case HEIGHT -> switch (unit == null ? "" : unit) {
        case "cm" -> v >= 25 && v <= 250;
        case "m" -> v >= 0.25 && v <= 2.5;
        case "[in_i]" -> v >= 10 && v <= 100;
        default -> v >= 10 && v <= 250;
      };
      case BMI -> v >= 8 && v <= 90;
      case BLOOD_GLUCOSE -> "mmol/L".equals(unit) ? v >= 0.5 && v <= 60 : v >= 10 && v <= 1500;
      case HEAD_CIRCUMFERENCE -> "[in_i]".equals(unit) ? v >= 8 && v <= 28 : v >= 20 && v <= 70;
      case PAIN_SCORE -> v >= 0 && v <= 10;
    };
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
