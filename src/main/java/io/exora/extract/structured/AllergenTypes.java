package io.exora.extract.structured;

import java.util.Locale;
import java.util.Map;

/**
 * {@link io.exora.clinical.Allergy#allergenType()} from C-CDA's allergy type or FHIR's category.
 */
final class AllergenTypes {

  /** SNOMED CT allergy-type values of a C-CDA allergy-intolerance observation. */
  private static final Map<String, String> SNOMED =
      Map.ofEntries(
          Map.entry("416098002", "medication"), // allergy to drug
          Map.entry("59037007", "medication"), // drug intolerance
          Map.entry("419511003", "medication"), // propensity to adverse reactions to drug
          Map.entry("414285001", "food"), // allergy to food
          Map.entry("235719002", "food"), // food intolerance
          Map.entry("418471000", "food"), // propensity to adverse reactions to food
          Map.entry("426232007", "environmental")); // environmental allergy

  private AllergenTypes() {}

  /**
   * From the allergy type, else from the allergen's code system (an RxNorm allergen is a drug);
   * null when neither says.
   */
  static String of(Concept allergyType, Concept allergen) {
    String code = allergyType.code(CodeSystem.SNOMED);
    String byType = code == null ? null : SNOMED.get(code);
    if (byType != null) {
      return byType;
    }
    return allergen.code(CodeSystem.RXNORM) != null ? "medication" : null;
  }

  /** FHIR AllergyIntolerance.category: medication, food, environment, biologic. */
  static String fromFhirCategory(String category) {
    if (category == null) {
      return null;
    }
    return switch (category.toLowerCase(Locale.ROOT)) {
      case "medication" -> "medication";
      case "food" -> "food";
      case "environment" -> "environmental";
      default -> "other";
    };
  }
}
