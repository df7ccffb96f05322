package io.exora.extract.structured;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.exora.clinical.ClinicalEvent;
import io.exora.clinical.LabResult;
import io.exora.clinical.VitalSign;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Observation: category laboratory becomes a {@link LabResult}, category vital-signs a {@link
 * VitalSign}. The blood pressure panel (85354-9) carries systolic and diastolic as components and
 * becomes one blood_pressure event. An Observation with no category is a vital sign when its LOINC
 * code is one, else a lab result; other categories (social history, survey, exam) are counted as
 * unmapped. A panel that only groups other Observations ({@code hasMember}) adds nothing itself.
 */
final class FhirObservations implements FhirResourceReader {

  private static final Set<String> NOT_DONE = Set.of("entered-in-error", "cancelled");

  @Override
  public void read(FhirResource r, FhirContext ctx, List<ClinicalEvent> out) {
    String status = r.status();
    if (status != null && NOT_DONE.contains(status)) {
      ctx.skipped(r, status.replace('-', ' '));
      return;
    }
    JsonNode json = r.json();
    Concept code = FhirJson.concept(json.path("code"));
    String loinc = code.code(CodeSystem.LOINC);
    Set<String> categories = new HashSet<>();
    json.path("category").forEach(c -> categories.addAll(FhirJson.codes(c)));
    boolean isVital =
        categories.contains("vital-signs")
            || (categories.isEmpty()
                && (VitalTypes.typeOf(loinc) != null || isBloodPressure(json, loinc)));
    if (isVital) {
      vital(r, code, loinc, ctx, out);
    } else if (categories.contains("laboratory") || categories.isEmpty()) {
      lab(r, code, ctx, out);
    } else {
      ctx.ignore("Observation (" + String.join(", ", new TreeSet<>(categories)) + ")");
    }
  }

  private static void vital(
      FhirResource r, Concept code, String loinc, FhirContext ctx, List<ClinicalEvent> out) {
    JsonNode json = r.json();
    LocalDate date = date(json);
    if (isBloodPressure(json, loinc)) {
      BigDecimal systolic = null;
      BigDecimal diastolic = null;
      String unit = null;
      for (JsonNode component : json.path("component")) {
        String componentLoinc = FhirJson.concept(component.path("code")).code(CodeSystem.LOINC);
        FhirValue value = FhirValue.of(component);
        if (VitalTypes.SYSTOLIC.equals(componentLoinc)) {
          systolic = value.number();
          unit = value.unit();
        } else if (VitalTypes.DIASTOLIC.equals(componentLoinc)) {
          diastolic = value.number();
        }
      }
      if (systolic == null || diastolic == null) {
        ctx.skipped(r, "a blood pressure needs both a systolic and a diastolic value");
        return;
      }
      out.add(
          new VitalSign(
              "Blood pressure",
              "blood_pressure",
              systolic,
              diastolic,
              unit,
              VitalTypes.BP_PANEL,
              date,
              StructuredEvidence.of(
                  false, r.source(systolic.toPlainString() + "/" + diastolic.toPlainString()))));
      return;
    }
    String type = VitalTypes.typeOf(loinc);
    String name = code.name() != null ? code.name() : code.codeLabel();
    if (VitalTypes.SYSTOLIC.equals(loinc) || VitalTypes.DIASTOLIC.equals(loinc)) {
      // Pairing separate systolic and diastolic Observations would mean guessing which belong
      // together; FHIR R4 sends a reading as one 85354-9 panel.
      ctx.skipped(r, "a systolic or diastolic pressure on its own is not a blood pressure panel");
      return;
    }
    if (type == null) {
      ctx.skipped(r, "vital sign " + name + " has no Exora vital type");
      return;
    }
    FhirValue value = FhirValue.of(json);
    if (value.number() == null) {
      ctx.skipped(r, "vital sign " + name + " has no numeric value");
      return;
    }
    out.add(
        new VitalSign(
            name,
            type,
            value.number(),
            null,
            value.unit(),
            loinc,
            date,
            StructuredEvidence.of(code.name() == null, r.source(null))));
  }

  private static void lab(FhirResource r, Concept code, FhirContext ctx, List<ClinicalEvent> out) {
    JsonNode json = r.json();
    FhirValue value = FhirValue.of(json);
    if (value.isMissing() && json.path("component").size() > 0) {
      for (JsonNode component : json.path("component")) {
        result(r, component, FhirJson.concept(component.path("code")), date(json), ctx, out);
      }
      return;
    }
    if (value.isMissing() && value.absentReason() == null && json.path("hasMember").size() > 0) {
      return; // a panel heading: its members are Observations of their own
    }
    result(r, json, code, date(json), ctx, out);
  }

  /** One result from an Observation or one of its components ({@code node}). */
  private static void result(
      FhirResource r,
      JsonNode node,
      Concept code,
      LocalDate date,
      FhirContext ctx,
      List<ClinicalEvent> out) {
    String name = code.name();
    String label = name != null ? name : code.codeLabel();
    if (label == null) {
      ctx.skipped(r, "a result without a test name or code");
      return;
    }
    FhirValue value = FhirValue.of(node);
    JsonNode range = normalRange(node);
    out.add(
        new LabResult(
            label,
            code.code(CodeSystem.LOINC),
            value.number(),
            value.isMissing()
                ? (value.absentReason() != null ? value.absentReason() : "no value reported")
                : value.text(),
            value.unit(),
            FhirJson.decimal(range.path("low").path("value")),
            FhirJson.decimal(range.path("high").path("value")),
            FhirJson.text(range, "text"),
            interpretation(node),
            date,
            StructuredEvidence.of(name == null || value.isMissing(), r.source(null))));
  }

  private static boolean isBloodPressure(JsonNode json, String loinc) {
    if (VitalTypes.isBloodPressurePanel(loinc)) {
      return true;
    }
    for (JsonNode component : json.path("component")) {
      if (FhirJson.concept(component.path("code")).hasCode(CodeSystem.LOINC, VitalTypes.SYSTOLIC)) {
        return true;
      }
    }
    return false;
  }

  /** The first reference range that is the normal range (no type, or type "normal"). */
  private static JsonNode normalRange(JsonNode node) {
    for (JsonNode range : node.path("referenceRange")) {
      String type = FhirJson.firstCode(range.path("type"));
      if (type == null || "normal".equals(type)) {
        return range;
      }
    }
    return MissingNode.getInstance();
  }

  private static String interpretation(JsonNode node) {
    for (JsonNode interpretation : node.path("interpretation")) {
      for (String code : FhirJson.codes(interpretation)) {
        String word = Interpretations.of(code);
        if (word != null) {
          return word;
        }
      }
    }
    return null;
  }

  private static LocalDate date(JsonNode json) {
    LocalDate date = FhirJson.date(json, "effectiveDateTime");
    if (date == null) {
      date = FhirJson.date(json.path("effectivePeriod"), "start");
    }
    if (date == null) {
      date = FhirJson.date(json, "effectiveInstant");
    }
    return date != null ? date : FhirJson.date(json, "issued");
  }
}
