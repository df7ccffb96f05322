package io.exora.extract.structured;

import static io.exora.extract.structured.CdaXml.attr;
import static io.exora.extract.structured.CdaXml.child;
import static io.exora.extract.structured.CdaXml.children;
import static io.exora.extract.structured.CdaXml.path;

import io.exora.clinical.ClinicalEvent;
import io.exora.clinical.Medication;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import org.w3c.dom.Element;

/**
 * The Medications section: one medication activity ({@code substanceAdministration}) per entry,
 * whether taken (EVN) or prescribed (INT). A medication activity keeps its timing in several {@code
 * effectiveTime} elements: an interval (start and stop dates), then a periodic one (PIVL_TS, "every
 * 12 hours") or an event one (EIVL_TS, "at bedtime").
 */
final class CcdaMedications implements CcdaSectionReader {

  @Override
  public void read(CcdaSection section, CcdaContext ctx, List<ClinicalEvent> out) {
    section.eachSubstanceAdministration((sa, i) -> medication(sa, section, i, ctx, out));
  }

  private static void medication(
      Element sa, CcdaSection section, int entry, CcdaContext ctx, List<ClinicalEvent> out) {
    Element material = path(sa, "consumable", "manufacturedProduct", "manufacturedMaterial");
    Concept drug = ctx.concept(child(material, "code"));
    String name =
        drug.name() != null
            ? drug.name()
            : Texts.clean(CdaXml.text(child(material, "name")), Texts.MAX_NAME_CHARS);
    String label = name != null ? name : drug.codeLabel();
    String where = section.title() + ", entry " + (entry + 1);
    if (label == null) {
      ctx.note(where + ": a medication without a name or code was skipped");
      return;
    }
    if (CdaXml.negated(sa)) {
      ctx.note(where + ": medication " + label + " is recorded as not taken; skipped");
      return;
    }
    String status = status(CdaXml.statusCode(sa));
    if (status == null) {
      ctx.note(where + ": medication " + label + " was nullified (entered in error); skipped");
      return;
    }
    LocalDate start = null;
    LocalDate end = null;
    String frequency = null;
    for (Element time : children(sa, "effectiveTime")) {
      String type = CdaXml.xsiType(time);
      if (type == null || type.equals("IVL_TS")) {
        start = CdaXml.start(time);
        end = CdaXml.end(time);
      } else if (type.equals("PIVL_TS")) {
        Element period = child(time, "period");
        frequency =
            DoseFrequency.everyPeriod(
                CdaXml.decimal(period, "value"),
                attr(period, "unit"),
                "true".equalsIgnoreCase(attr(time, "institutionSpecified")));
      } else if (type.equals("EIVL_TS")) {
        frequency = DoseFrequency.atEvent(attr(child(time, "event"), "code"));
      }
    }
    if (child(sa, "precondition") != null) {
      frequency = frequency == null ? "as needed" : frequency + " as needed";
    }
    Element dose = child(sa, "doseQuantity");
    BigDecimal doseAmount = CdaXml.decimal(dose, "value");
    if (doseAmount == null) {
      doseAmount = CdaXml.decimal(child(dose, "low"), "value"); // a dose range: its low bound
    }
    String doseUnit = CdaXml.unit(dose);
    if (doseUnit == null && doseAmount != null) {
      // "2" with no unit counts units of administration ("puff", "tablet"), coded separately.
      String unitName = ctx.concept(child(sa, "administrationUnitCode")).name();
      doseUnit = unitName == null ? null : unitName.toLowerCase(Locale.ROOT);
    }
    out.add(
        new Medication(
            label,
            drug.code(CodeSystem.RXNORM),
            MedicationStrength.fromName(label),
            doseAmount,
            doseUnit,
            Routes.of(ctx.concept(child(sa, "routeCode"))),
            frequency,
            start,
            end,
            status,
            start,
            StructuredEvidence.of(name == null, ctx.source(section, entry, sa))));
  }

  /** The medication status for an act statusCode; null for nullified (entered in error). */
  private static String status(String statusCode) {
    if (statusCode == null) {
      return "unknown";
    }
    return switch (statusCode) {
      case "active", "new" -> "active";
      case "completed" -> "completed";
      case "aborted", "cancelled" -> "stopped";
      case "suspended", "held" -> "on_hold";
      case "nullified" -> null;
      default -> "unknown";
    };
  }
}
