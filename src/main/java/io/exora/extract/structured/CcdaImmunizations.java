package io.exora.extract.structured;

import static io.exora.extract.structured.CdaXml.attr;
import static io.exora.extract.structured.CdaXml.child;
import static io.exora.extract.structured.CdaXml.path;

import io.exora.clinical.ClinicalEvent;
import io.exora.clinical.Immunization;
import java.time.LocalDate;
import java.util.List;
import org.w3c.dom.Element;

/**
 * The Immunizations section: one immunization activity per entry, coded in CVX. Only vaccines given
 * are events: {@code negationInd="true"} (refused or not given), a planned dose ({@code
 * moodCode="INT"}) and a cancelled or nullified one are skipped with a note. The dose number is
 * C-CDA's {@code repeatNumber}. A given vaccine with no date needs review, since the document's
 * date would be the wrong date for it.
 */
final class CcdaImmunizations implements CcdaSectionReader {

  @Override
  public void read(CcdaSection section, CcdaContext ctx, List<ClinicalEvent> out) {
    section.eachSubstanceAdministration((sa, i) -> immunization(sa, section, i, ctx, out));
  }

  private static void immunization(
      Element sa, CcdaSection section, int entry, CcdaContext ctx, List<ClinicalEvent> out) {
    Element material = path(sa, "consumable", "manufacturedProduct", "manufacturedMaterial");
    Concept vaccine = ctx.concept(child(material, "code"));
    String name = vaccine.name();
    String label = name != null ? name : vaccine.codeLabel();
    String where = section.title() + ", entry " + (entry + 1);
    if (label == null) {
      ctx.note(where + ": an immunization without a vaccine name or code was skipped");
      return;
    }
    String status = CdaXml.statusCode(sa);
    if (CdaXml.negated(sa)) {
      ctx.note(where + ": " + label + " was not given; skipped");
      return;
    }
    if ("INT".equals(attr(sa, "moodCode"))) {
      ctx.note(where + ": " + label + " is planned, not given; skipped");
      return;
    }
    if (CcdaResults.isNotDone(status)) {
      ctx.note(where + ": " + label + " is " + status + "; skipped");
      return;
    }
    LocalDate date = CdaXml.start(child(sa, "effectiveTime"));
    out.add(
        new Immunization(
            label,
            vaccine.code(CodeSystem.CVX),
            doseNumber(attr(child(sa, "repeatNumber"), "value")),
            CdaXml.text(child(material, "lotNumberText")),
            date,
            StructuredEvidence.of(name == null || date == null, ctx.source(section, entry, sa))));
  }

  private static Integer doseNumber(String value) {
    if (value == null) {
      return null;
    }
    try {
      int n = Integer.parseInt(value);
      return n > 0 ? n : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
