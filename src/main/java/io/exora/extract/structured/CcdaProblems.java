package io.exora.extract.structured;

import static io.exora.extract.structured.CdaXml.attr;
import static io.exora.extract.structured.CdaXml.child;
import static io.exora.extract.structured.CdaXml.children;

import io.exora.clinical.ClinicalEvent;
import io.exora.clinical.Condition;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.w3c.dom.Element;

/**
 * The Problems section: problem concern acts (the clinician's ongoing concern, dated when it was
 * recorded), each holding one or more problem observations (the diagnosis, coded in SNOMED CT or
 * ICD-10-CM, often both through a translation, with its onset and resolution).
 *
 * <p>Status comes from the most specific statement available: a problem status observation, then a
 * resolution date on the observation, then the concern act's own status.
 */
final class CcdaProblems implements CcdaSectionReader {

  private static final String PROBLEM_STATUS_TEMPLATE = "2.16.840.1.113883.10.20.22.4.6";
  private static final String STATUS_LOINC = "33999-4";

  /** SNOMED CT values of the (deprecated, still common) problem status observation. */
  private static final Map<String, String> STATUS_VALUES =
      Map.of(
          "55561003", "active",
          "73425007", "inactive",
          "413322009", "resolved",
          "277022003", "remission");

  @Override
  public void read(CcdaSection section, CcdaContext ctx, List<ClinicalEvent> out) {
    List<Element> entries = section.entries();
    for (int i = 0; i < entries.size(); i++) {
      Element act = child(entries.get(i), "act");
      if (act != null) {
        LocalDate recorded = CdaXml.start(child(act, "effectiveTime"));
        String concernStatus = CdaXml.statusCode(act);
        for (Element relationship : children(act, "entryRelationship")) {
          Element obs = child(relationship, "observation");
          if (obs != null) {
            problem(obs, recorded, concernStatus, section, i, ctx, out);
          }
        }
      }
      Element bare = child(entries.get(i), "observation");
      if (bare != null) {
        problem(bare, null, null, section, i, ctx, out);
      }
    }
  }

  private static void problem(
      Element obs,
      LocalDate recorded,
      String concernStatus,
      CcdaSection section,
      int entry,
      CcdaContext ctx,
      List<ClinicalEvent> out) {
    Concept diagnosis = ctx.concept(child(obs, "value"));
    String name = diagnosis.name();
    String label = name != null ? name : diagnosis.codeLabel();
    String where = section.title() + ", entry " + (entry + 1);
    if (label == null) {
      ctx.note(where + ": a problem without a name or code was skipped");
      return;
    }
    if (CdaXml.negated(obs)) {
      ctx.note(where + ": problem " + label + " is recorded as absent; skipped");
      return;
    }
    String icd10 = diagnosis.code(CodeSystem.ICD10CM);
    Element time = child(obs, "effectiveTime");
    out.add(
        new Condition(
            label,
            icd10 != null ? icd10 : diagnosis.code(CodeSystem.ICD10),
            diagnosis.code(CodeSystem.SNOMED),
            status(obs, CdaXml.end(time), concernStatus, ctx),
            CdaXml.start(time),
            recorded,
            StructuredEvidence.of(name == null, ctx.source(section, entry, obs))));
  }

  private static String status(
      Element obs, LocalDate resolved, String concernStatus, CcdaContext ctx) {
    for (Element relationship : children(obs, "entryRelationship")) {
      Element inner = child(relationship, "observation");
      boolean isStatus =
          inner != null
              && (CdaXml.hasTemplate(inner, PROBLEM_STATUS_TEMPLATE)
                  || STATUS_LOINC.equals(attr(child(inner, "code"), "code")));
      if (isStatus) {
        Concept value = ctx.concept(child(inner, "value"));
        String code = value.code(CodeSystem.SNOMED);
        String mapped = code == null ? null : STATUS_VALUES.get(code);
        if (mapped != null) {
          return mapped;
        }
      }
    }
    if (resolved != null) {
      return "resolved";
    }
    if (concernStatus == null) {
      return "unknown";
    }
    return switch (concernStatus) {
      case "active" -> "active";
      case "completed" -> "resolved"; // the concern was closed: the problem no longer needs care
      case "suspended", "aborted" -> "inactive";
      default -> "unknown";
    };
  }
}
