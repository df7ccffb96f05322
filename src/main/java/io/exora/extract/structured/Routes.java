package io.exora.extract.structured;

import java.util.Locale;
import java.util.Map;

/**
 * Medication routes as short lower-case words ("oral", "inhalation"). C-CDA codes routes with the
 * FDA route-of-administration codes (NCI thesaurus), FHIR usually with SNOMED CT; both arrive with
 * display names such as "ORAL" or "Oral route", which are normalised here.
 */
final class Routes {

  private static final Map<String, String> FDA =
      Map.ofEntries(
          Map.entry("C38288", "oral"),
          Map.entry("C38299", "subcutaneous"),
          Map.entry("C28161", "intramuscular"),
          Map.entry("C38276", "intravenous"),
          Map.entry("C38216", "inhalation"),
          Map.entry("C38304", "topical"),
          Map.entry("C38284", "nasal"),
          Map.entry("C38287", "ophthalmic"),
          Map.entry("C38295", "rectal"),
          Map.entry("C38300", "sublingual"),
          Map.entry("C38305", "transdermal"));

  private Routes() {}

  /** The route named by a concept: its display words, else a known FDA route code; or null. */
  static String of(Concept route) {
    String name = route.name();
    if (name != null) {
      return normalise(name);
    }
    return route.codings().stream()
        .filter(c -> c.code() != null && FDA.containsKey(c.code()))
        .map(c -> FDA.get(c.code()))
        .findFirst()
        .orElse(null);
  }

  static String normalise(String display) {
    String r = display.trim().toLowerCase(Locale.ROOT);
    if (r.contains("inhalation")) {
      return "inhalation"; // "RESPIRATORY (INHALATION)", "Inhalation route"
    }
    return r.replaceAll("\\s+(route|use)$", "").replaceAll("\\s+", " ");
  }
}
