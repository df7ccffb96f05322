package io.exora.extract.accuracy;

import java.util.Locale;

/** Codes compared in one spelling: CVX without leading zeros, ICD-10 upper case without the dot. */
final class Codes {

  private Codes() {}

  static String normalise(String system, String code) {
    String c = code.strip();
    return switch (system) {
      case "cvx" -> c.replaceFirst("^0+(?=\\d)", "");
      case "icd10" -> c.toUpperCase(Locale.ROOT).replace(".", "");
      default -> c;
    };
  }
}
