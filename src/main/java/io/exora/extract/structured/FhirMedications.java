package io.exora.extract.structured;

import com.fasterxml.jackson.databind.JsonNode;
import io.exora.clinical.ClinicalEvent;
import io.exora.clinical.Medication;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;

/**
 * MedicationStatement (what a patient takes) and MedicationRequest (what was prescribed). The drug
 * is a {@code medicationCodeableConcept} or a {@code medicationReference} to a contained or bundled
 * Medication; the first dosage gives dose, route and frequency. A statement of a drug not taken, a
 * request not to give one, and anything entered in error are skipped with a note.
 */
final class FhirMedications implements FhirResourceReader {

  @Override
  public void read(FhirResource r, FhirContext ctx, List<ClinicalEvent> out) {
    JsonNode json = r.json();
    boolean isStatement = r.type().equals("MedicationStatement");
    String fhirStatus = r.status();
    if ("entered-in-error".equals(fhirStatus)) {
      ctx.skipped(r, "entered in error");
      return;
    }
    if ("not-taken".equals(fhirStatus) || json.path("doNotPerform").asBoolean(false)) {
      ctx.skipped(r, "the medication is recorded as not to be taken");
      return;
    }
    Concept drug = drug(json, ctx);
    String name = drug.name();
    String label = name != null ? name : drug.codeLabel();
    if (label == null) {
      ctx.skipped(
          r, "a medication without a name or code, or whose Medication is not in the document");
      return;
    }
    JsonNode dosage = (isStatement ? json.path("dosage") : json.path("dosageInstruction")).path(0);
    JsonNode doseQuantity = doseQuantity(dosage);
    JsonNode bounds = dosage.path("timing").path("repeat").path("boundsPeriod");
    LocalDate start;
    LocalDate end;
    LocalDate date;
    if (isStatement) {
      start = FhirJson.date(json.path("effectivePeriod"), "start");
      if (start == null) {
        start = FhirJson.date(json, "effectiveDateTime");
      }
      end = FhirJson.date(json.path("effectivePeriod"), "end");
      date = FhirJson.date(json, "dateAsserted");
    } else {
      start = FhirJson.date(bounds, "start");
      end = FhirJson.date(bounds, "end");
      date = FhirJson.date(json, "authoredOn");
    }
    out.add(
        new Medication(
            label,
            drug.code(CodeSystem.RXNORM),
            MedicationStrength.fromName(label),
            FhirJson.decimal(doseQuantity.path("value")),
            FhirJson.unit(doseQuantity),
            Routes.of(FhirJson.concept(dosage.path("route"))),
            frequency(dosage),
            start,
            end,
            status(fhirStatus),
            date != null ? date : start,
            StructuredEvidence.of(name == null, r.source(FhirJson.text(dosage, "text")))));
  }

  private static Concept drug(JsonNode json, FhirContext ctx) {
    Concept inline = FhirJson.concept(json.path("medicationCodeableConcept"));
    if (inline != Concept.EMPTY) {
      return inline;
    }
    JsonNode reference = json.path("medicationReference");
    JsonNode medication = ctx.resolve(json, reference);
    if (medication != null) {
      return FhirJson.concept(medication.path("code"));
    }
    String display = FhirJson.text(reference, "display");
    return display == null ? Concept.EMPTY : new Concept(display, List.of());
  }

  /** The dose: a quantity, or the low end of a range ("1-2 tablets" is at least 1). */
  private static JsonNode doseQuantity(JsonNode dosage) {
    JsonNode doseAndRate = dosage.path("doseAndRate").path(0);
    JsonNode quantity = doseAndRate.path("doseQuantity");
    return quantity.isObject() ? quantity : doseAndRate.path("doseRange").path("low");
  }

  private static String frequency(JsonNode dosage) {
    JsonNode timing = dosage.path("timing");
    JsonNode repeat = timing.path("repeat");
    String words = null;
    BigDecimal period = FhirJson.decimal(repeat.path("period"));
    if (period != null) {
      words =
          DoseFrequency.timesPerPeriod(
              repeat.path("frequency").asInt(1), period, FhirJson.text(repeat, "periodUnit"));
    }
    for (JsonNode when : repeat.path("when")) {
      String event = DoseFrequency.atEvent(when.asText());
      if (event != null) {
        words = words == null ? event : words + " " + event;
      }
    }
    if (words == null) {
      Concept code = FhirJson.concept(timing.path("code"));
      words = DoseFrequency.fromTimingCode(code.code(CodeSystem.OTHER));
      if (words == null) {
        words = code.name();
      }
    }
    boolean asNeeded =
        dosage.path("asNeededBoolean").asBoolean(false)
            || dosage.path("asNeededCodeableConcept").isObject();
    if (asNeeded) {
      words = words == null ? "as needed" : words + " as needed";
    }
    return words;
  }

  private static String status(String fhirStatus) {
    if (fhirStatus == null) {
      return "unknown";
    }
    return switch (fhirStatus) {
      case "active", "intended" -> "active";
      case "completed" -> "completed";
      case "stopped", "cancelled" -> "stopped";
      case "on-hold" -> "on_hold";
      default -> "unknown"; // draft, unknown
    };
  }
}
