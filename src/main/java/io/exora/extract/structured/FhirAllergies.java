package io.exora.extract.structured;

import com.fasterxml.jackson.databind.JsonNode;
import io.exora.clinical.Allergy;
import io.exora.clinical.ClinicalEvent;
import java.time.LocalDate;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * AllergyIntolerance: the substance, its category, the reactions seen and the worst severity among
 * them (high criticality stands in for a severity when no reaction states one). As in C-CDA, {@link
 * Allergy} has no status: an allergy that is inactive or resolved, refuted, entered in error, or a
 * "no known allergy" statement is skipped with a note.
 */
final class FhirAllergies implements FhirResourceReader {

  /** SNOMED CT "no known allergy" findings, which some systems send as an AllergyIntolerance. */
  private static final Set<String> NO_KNOWN_ALLERGY =
      Set.of("716186003", "409137002", "429625007", "428607008");

  @Override
  public void read(FhirResource r, FhirContext ctx, List<ClinicalEvent> out) {
    JsonNode json = r.json();
    if (ctx.withdrawn(r)) {
      return;
    }
    String clinical = FhirJson.firstCode(json.path("clinicalStatus"));
    if ("inactive".equals(clinical) || "resolved".equals(clinical)) {
      ctx.skipped(r, "the allergy is " + clinical);
      return;
    }
    Concept substance = FhirJson.concept(json.path("code"));
    String snomed = substance.code(CodeSystem.SNOMED);
    if (snomed != null && NO_KNOWN_ALLERGY.contains(snomed)) {
      ctx.skipped(r, "a \"no known allergy\" statement adds no allergy");
      return;
    }
    String name = substance.name();
    String label = name != null ? name : substance.codeLabel();
    if (label == null) {
      ctx.skipped(r, "an allergy without a named or coded substance");
      return;
    }
    Set<String> reactions = new LinkedHashSet<>();
    String severity = null;
    for (JsonNode reaction : json.path("reaction")) {
      for (JsonNode manifestation : reaction.path("manifestation")) {
        String words = FhirJson.concept(manifestation).name();
        if (words != null) {
          reactions.add(words);
        }
      }
      String stated = FhirJson.text(reaction, "severity");
      severity =
          AllergySeverity.worst(severity, stated == null ? null : AllergySeverity.fromWord(stated));
    }
    if (severity == null && "high".equals(FhirJson.text(json, "criticality"))) {
      severity = "severe"; // high criticality: a future reaction may be severe; no better word
    }
    LocalDate onset = FhirJson.date(json, "onsetDateTime");
    out.add(
        new Allergy(
            label,
            AllergenTypes.fromFhirCategory(json.path("category").path(0).asText(null)),
            reactions.isEmpty() ? null : String.join(", ", reactions),
            severity,
            snomed,
            onset != null ? onset : FhirJson.date(json, "recordedDate"),
            StructuredEvidence.of(name == null, r.source(null))));
  }
}
