package io.exora.extract.structured;

import com.fasterxml.jackson.databind.JsonNode;
import io.exora.clinical.ClinicalEvent;
import io.exora.clinical.Condition;
import java.time.LocalDate;
import java.util.List;

/**
 * Condition, from a problem list or an encounter diagnosis, with its ICD-10-CM and SNOMED CT codes.
 * A condition entered in error or refuted is skipped with a note. Without a clinical status, an
 * abatement means resolved.
 */
final class FhirConditions implements FhirResourceReader {

  @Override
  public void read(FhirResource r, FhirContext ctx, List<ClinicalEvent> out) {
    JsonNode json = r.json();
    if (ctx.withdrawn(r)) {
      return;
    }
    Concept diagnosis = FhirJson.concept(json.path("code"));
    String name = diagnosis.name();
    String label = name != null ? name : diagnosis.codeLabel();
    if (label == null) {
      ctx.skipped(r, "a condition without a name or code");
      return;
    }
    String icd10 = diagnosis.code(CodeSystem.ICD10CM);
    LocalDate onset = FhirJson.date(json, "onsetDateTime");
    if (onset == null) {
      onset = FhirJson.date(json.path("onsetPeriod"), "start");
    }
    out.add(
        new Condition(
            label,
            icd10 != null ? icd10 : diagnosis.code(CodeSystem.ICD10),
            diagnosis.code(CodeSystem.SNOMED),
            status(json),
            onset,
            FhirJson.date(json, "recordedDate"),
            StructuredEvidence.of(name == null, r.source(null))));
  }

  private static String status(JsonNode json) {
    String clinical = FhirJson.firstCode(json.path("clinicalStatus"));
    if (clinical == null) {
      boolean abated =
          json.has("abatementDateTime")
              || json.has("abatementPeriod")
              || json.has("abatementAge")
              || json.has("abatementString");
      return abated ? "resolved" : "unknown";
    }
    return switch (clinical) {
      case "active", "recurrence", "relapse" -> "active";
      case "inactive" -> "inactive";
      case "remission" -> "remission";
      case "resolved" -> "resolved";
      default -> "unknown";
    };
  }
}
