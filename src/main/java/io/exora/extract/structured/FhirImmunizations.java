package io.exora.extract.structured;

import com.fasterxml.jackson.databind.JsonNode;
import io.exora.clinical.ClinicalEvent;
import io.exora.clinical.Immunization;
import java.time.LocalDate;
import java.util.List;

/**
 * Immunization, coded in CVX. Only doses given are events: status not-done and entered-in-error are
 * skipped with a note. The dose number is the first {@code protocolApplied}'s. A dose with no date
 * ({@code occurrenceString} "childhood") needs review.
 */
final class FhirImmunizations implements FhirResourceReader {

  @Override
  public void read(FhirResource r, FhirContext ctx, List<ClinicalEvent> out) {
    JsonNode json = r.json();
    String status = r.status();
    if ("not-done".equals(status) || "entered-in-error".equals(status)) {
      ctx.skipped(
          r, "not-done".equals(status) ? "not given (status not-done)" : "entered in error");
      return;
    }
    Concept vaccine = FhirJson.concept(json.path("vaccineCode"));
    String name = vaccine.name();
    String label = name != null ? name : vaccine.codeLabel();
    if (label == null) {
      ctx.skipped(r, "an immunization without a vaccine name or code");
      return;
    }
    LocalDate date = FhirJson.date(json, "occurrenceDateTime");
    out.add(
        new Immunization(
            label,
            vaccine.code(CodeSystem.CVX),
            doseNumber(json.path("protocolApplied").path(0)),
            FhirJson.text(json, "lotNumber"),
            date,
            StructuredEvidence.of(
                name == null || date == null, r.source(FhirJson.text(json, "occurrenceString")))));
  }

  private static Integer doseNumber(JsonNode protocol) {
    JsonNode positive = protocol.path("doseNumberPositiveInt");
    if (positive.isInt() && positive.asInt() > 0) {
      return positive.asInt();
    }
    String text = FhirJson.text(protocol, "doseNumberString");
    if (text != null && text.matches("\\d{1,3}")) {
      int n = Integer.parseInt(text);
      return n > 0 ? n : null;
    }
    return null;
  }
}
