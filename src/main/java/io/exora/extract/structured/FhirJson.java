package io.exora.extract.structured;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/** Reading FHIR JSON data types (CodeableConcept, dates, Quantity) from a Jackson tree. */
final class FhirJson {

  private FhirJson() {}

  /** A string field, whitespace collapsed; null when absent, blank or not a string. */
  static String text(JsonNode node, String field) {
    JsonNode v = node.path(field);
    return v.isTextual() ? Texts.clean(v.asText()) : null;
  }

  static LocalDate date(JsonNode node, String field) {
    return Hl7Dates.fromFhir(text(node, field));
  }

  /** A CodeableConcept; {@link Concept#EMPTY} when absent. */
  static Concept concept(JsonNode codeableConcept) {
    if (!codeableConcept.isObject()) {
      return Concept.EMPTY;
    }
    List<Concept.Coding> codings = new ArrayList<>();
    for (JsonNode coding : codeableConcept.path("coding")) {
      String code = text(coding, "code");
      String display = text(coding, "display");
      if (code != null || display != null) {
        codings.add(new Concept.Coding(CodeSystem.fromUri(text(coding, "system")), code, display));
      }
    }
    return new Concept(text(codeableConcept, "text"), codings);
  }

  /** The codes of a CodeableConcept (any system), for status and category checks. */
  static List<String> codes(JsonNode codeableConcept) {
    List<String> codes = new ArrayList<>();
    for (JsonNode coding : codeableConcept.path("coding")) {
      String code = text(coding, "code");
      if (code != null) {
        codes.add(code);
      }
    }
    return codes;
  }

  /** The first code of a CodeableConcept, or null. */
  static String firstCode(JsonNode codeableConcept) {
    List<String> codes = codes(codeableConcept);
    return codes.isEmpty() ? null : codes.get(0);
  }

  /** A JSON number as written ("4.40" keeps its scale); null for anything else or out of bounds. */
  static BigDecimal decimal(JsonNode node) {
    return node.isNumber() ? Decimals.bounded(node.decimalValue()) : null;
  }

  /**
   * A Quantity's unit: the UCUM code when the quantity is coded in UCUM (so both readers store
   * "mm[Hg]", "Cel", "10*3/uL" alike), else the human unit.
   */
  static String unit(JsonNode quantity) {
    String code = text(quantity, "code");
    if (code != null && "http://unitsofmeasure.org".equals(text(quantity, "system"))) {
      return "1".equals(code) ? null : code;
    }
    String unit = text(quantity, "unit");
    return unit != null ? unit : code;
  }
}
