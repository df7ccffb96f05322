package io.exora.extract.structured;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;

/**
 * An Observation's (or component's) {@code value[x]}: a number with a unit, or text for strings,
 * coded answers, ranges and bounded quantities ("<0.5"). A missing value carries the words of its
 * {@code dataAbsentReason}, or null.
 */
record FhirValue(BigDecimal number, String text, String unit, String absentReason) {

  boolean isMissing() {
    return number == null && text == null;
  }

  static FhirValue of(JsonNode node) {
    JsonNode quantity = node.path("valueQuantity");
    if (quantity.isObject()) {
      BigDecimal value = FhirJson.decimal(quantity.path("value"));
      String comparator = FhirJson.text(quantity, "comparator");
      if (value != null && comparator != null) {
        // "<0.5" is a bound, not a measurement: kept as text so it is never charted as 0.5.
        return new FhirValue(
            null, comparator + value.toPlainString(), FhirJson.unit(quantity), null);
      }
      if (value != null) {
        return new FhirValue(value, null, FhirJson.unit(quantity), null);
      }
    }
    String string = FhirJson.text(node, "valueString");
    if (string != null) {
      return new FhirValue(null, string, null, null);
    }
    Concept coded = FhirJson.concept(node.path("valueCodeableConcept"));
    String answer = coded.name() != null ? coded.name() : coded.codeLabel();
    if (answer != null) {
      return new FhirValue(null, answer, null, null);
    }
    BigDecimal integer = FhirJson.decimal(node.path("valueInteger"));
    if (integer != null) {
      return new FhirValue(integer, null, null, null);
    }
    if (node.path("valueBoolean").isBoolean()) {
      return new FhirValue(null, node.path("valueBoolean").asBoolean() ? "yes" : "no", null, null);
    }
    JsonNode range = node.path("valueRange");
    BigDecimal low = FhirJson.decimal(range.path("low").path("value"));
    BigDecimal high = FhirJson.decimal(range.path("high").path("value"));
    if (low != null && high != null) {
      return new FhirValue(
          null,
          low.toPlainString() + "-" + high.toPlainString(),
          FhirJson.unit(range.path("low")),
          null);
    }
    Concept absent = FhirJson.concept(node.path("dataAbsentReason"));
    String reason = absent.name() != null ? absent.name() : absent.code(CodeSystem.OTHER);
    return new FhirValue(null, null, null, reason);
  }
}
