package io.exora.extract.structured;

import static io.exora.extract.structured.CdaXml.attr;
import static io.exora.extract.structured.CdaXml.child;
import static io.exora.extract.structured.CdaXml.children;
import static io.exora.extract.structured.CdaXml.decimal;

import io.exora.clinical.ClinicalEvent;
import io.exora.clinical.LabResult;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.w3c.dom.Element;

/**
 * The Results section: result organizers (a panel such as a CBC) holding result observations, or
 * bare result observations. Each observation becomes one {@link LabResult} with its LOINC code,
 * value and unit as sent, normal range and interpretation.
 */
final class CcdaResults implements CcdaSectionReader {

  /** Statuses of a result that was never produced or was withdrawn. */
  private static final Set<String> NOT_DONE = Set.of("cancelled", "aborted", "nullified");

  /** True for an act status meaning it never happened or was withdrawn; false for null. */
  static boolean isNotDone(String statusCode) {
    return statusCode != null && NOT_DONE.contains(statusCode);
  }

  @Override
  public void read(CcdaSection section, CcdaContext ctx, List<ClinicalEvent> out) {
    List<Element> entries = section.entries();
    for (int i = 0; i < entries.size(); i++) {
      Element organizer = child(entries.get(i), "organizer");
      if (organizer != null) {
        LocalDate panelDate = CdaXml.start(child(organizer, "effectiveTime"));
        for (Element component : children(organizer, "component")) {
          Element obs = child(component, "observation");
          if (obs != null) {
            result(obs, panelDate, section, i, ctx, out);
          }
        }
      }
      Element obs = child(entries.get(i), "observation");
      if (obs != null) {
        result(obs, null, section, i, ctx, out);
      }
    }
  }

  private static void result(
      Element obs,
      LocalDate panelDate,
      CcdaSection section,
      int entry,
      CcdaContext ctx,
      List<ClinicalEvent> out) {
    Concept test = ctx.concept(child(obs, "code"));
    String name = test.name();
    String label = name != null ? name : test.codeLabel();
    if (label == null) {
      ctx.note(
          section.title()
              + ", entry "
              + (entry + 1)
              + ": a result without a test name or code was skipped");
      return;
    }
    String status = CdaXml.statusCode(obs);
    if (CdaXml.negated(obs) || isNotDone(status)) {
      ctx.note(
          "result "
              + label
              + " was not performed ("
              + (status == null ? "negated" : status)
              + "); skipped");
      return;
    }
    CdaValue value = CdaValue.of(child(obs, "value"), ctx);
    Range range = range(obs, ctx);
    LocalDate date = CdaXml.start(child(obs, "effectiveTime"));
    boolean review = name == null || value.isMissing();
    out.add(
        new LabResult(
            label,
            test.code(CodeSystem.LOINC),
            value.number(),
            value.isMissing() ? NullFlavors.describe(value.nullFlavor()) : value.text(),
            value.unit(),
            range.low(),
            range.high(),
            range.text(),
            Interpretations.of(attr(child(obs, "interpretationCode"), "code")),
            date != null ? date : panelDate,
            StructuredEvidence.of(review, ctx.source(section, entry, obs))));
  }

  private record Range(BigDecimal low, BigDecimal high, String text) {}

  /**
   * The normal range: the first observationRange that is not qualified as some other range (an
   * observationRange with interpretationCode "N", or with none, is the normal one).
   */
  private static Range range(Element obs, CcdaContext ctx) {
    for (Element rr : children(obs, "referenceRange")) {
      Element range = child(rr, "observationRange");
      String qualifier = attr(child(range, "interpretationCode"), "code");
      if (range == null || (qualifier != null && !"N".equals(qualifier))) {
        continue;
      }
      Element ivl = child(range, "value");
      BigDecimal low = decimal(child(ivl, "low"), "value");
      BigDecimal high = decimal(child(ivl, "high"), "value");
      String text = ctx.narrative(child(range, "text"));
      if (low != null || high != null || text != null) {
        return new Range(low, high, text);
      }
    }
    return new Range(null, null, null);
  }
}
