package io.exora.extract.structured;

import java.util.Map;

/** Words for HL7 nullFlavors, so an event whose value was withheld says why. */
final class NullFlavors {

  private static final Map<String, String> WORDS =
      Map.ofEntries(
          Map.entry("NI", "no information"),
          Map.entry("UNK", "unknown"),
          Map.entry("ASKU", "asked but unknown"),
          Map.entry("NAV", "temporarily unavailable"),
          Map.entry("NASK", "not asked"),
          Map.entry("NA", "not applicable"),
          Map.entry("NP", "not present"),
          Map.entry("MSK", "masked"),
          Map.entry("OTH", "other"),
          Map.entry("QS", "sufficient quantity"),
          Map.entry("TRC", "trace"),
          Map.entry("NINF", "negative infinity"),
          Map.entry("PINF", "positive infinity"));

  private NullFlavors() {}

  /** "no information" for NI; "no value reported" for null or an unknown flavor. */
  static String describe(String nullFlavor) {
    String word = nullFlavor == null ? null : WORDS.get(nullFlavor);
    return word == null ? "no value reported" : word;
  }
}
