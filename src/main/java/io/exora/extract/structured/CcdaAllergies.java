package io.exora.extract.structured;

import static io.exora.extract.structured.CdaXml.attr;
import static io.exora.extract.structured.CdaXml.child;
import static io.exora.extract.structured.CdaXml.children;
import static io.exora.extract.structured.CdaXml.path;

import io.exora.clinical.Allergy;
import io.exora.clinical.ClinicalEvent;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.w3c.dom.Element;

/**
 * The Allergies section: allergy concern acts holding allergy-intolerance observations. The
 * allergen is the consumable participant's playing entity (RxNorm, SNOMED CT or UNII); reactions
 * and severity are nested observations. Severity may sit on the allergy or on each reaction; the
 * worst one stated wins.
 *
 * <p>{@link Allergy} has no status, so an allergy recorded as resolved or inactive is skipped with
 * a note rather than shown as a current allergy; a negated observation ("no known allergies") is
 * skipped too.
 */
final class CcdaAllergies implements CcdaSectionReader {

  private static final String REACTION_TEMPLATE = "2.16.840.1.113883.10.20.22.4.9";
  private static final String SEVERITY_TEMPLATE = "2.16.840.1.113883.10.20.22.4.8";
  private static final String STATUS_TEMPLATE = "2.16.840.1.113883.10.20.22.4.28";
  private static final String CRITICALITY_TEMPLATE = "2.16.840.1.113883.10.20.22.4.145";
  private static final Set<String> NOT_CURRENT_SNOMED = Set.of("73425007", "413322009");

  @Override
  public void read(CcdaSection section, CcdaContext ctx, List<ClinicalEvent> out) {
    List<Element> entries = section.entries();
    for (int i = 0; i < entries.size(); i++) {
      Element act = child(entries.get(i), "act");
      for (Element relationship : children(act, "entryRelationship")) {
        Element obs = child(relationship, "observation");
        if (obs != null) {
          allergy(obs, CdaXml.statusCode(act), section, i, ctx, out);
        }
      }
    }
  }

  private static void allergy(
      Element obs,
      String concernStatus,
      CcdaSection section,
      int entry,
      CcdaContext ctx,
      List<ClinicalEvent> out) {
    String where = section.title() + ", entry " + (entry + 1);
    if (CdaXml.negated(obs)) {
      ctx.note(where + ": no known allergy of this kind is recorded; nothing to add");
      return;
    }
    Element entity = allergenEntity(obs);
    Concept allergen = ctx.concept(child(entity, "code"));
    String name =
        allergen.name() != null
            ? allergen.name()
            : Texts.clean(CdaXml.text(child(entity, "name")), Texts.MAX_NAME_CHARS);
    String label = name != null ? name : allergen.codeLabel();
    if (label == null) {
      ctx.note(where + ": an allergy without a named or coded allergen was skipped");
      return;
    }
    if (!isCurrent(obs, concernStatus, ctx)) {
      ctx.note(where + ": allergy to " + label + " is recorded as resolved or inactive; skipped");
      return;
    }
    String severity = null;
    String criticality = null;
    Set<String> reactions = new LinkedHashSet<>();
    for (Element inner : nested(obs)) {
      if (CdaXml.hasTemplate(inner, REACTION_TEMPLATE)) {
        Concept reaction = ctx.concept(child(inner, "value"));
        if (reaction.name() != null && !CdaXml.negated(inner)) {
          reactions.add(reaction.name());
        }
        for (Element reactionDetail : nested(inner)) {
          if (CdaXml.hasTemplate(reactionDetail, SEVERITY_TEMPLATE)) {
            severity = AllergySeverity.worst(severity, severityOf(reactionDetail, ctx));
          }
        }
      } else if (CdaXml.hasTemplate(inner, SEVERITY_TEMPLATE)) {
        severity = AllergySeverity.worst(severity, severityOf(inner, ctx));
      } else if (CdaXml.hasTemplate(inner, CRITICALITY_TEMPLATE)) {
        criticality = attr(child(inner, "value"), "code");
      }
    }
    if (severity == null && "CRITH".equals(criticality)) {
      severity = "severe"; // high criticality: a future reaction may be severe; no better word
    }
    out.add(
        new Allergy(
            label,
            AllergenTypes.of(ctx.concept(child(obs, "value")), allergen),
            reactions.isEmpty() ? null : String.join(", ", reactions),
            severity,
            allergen.code(CodeSystem.SNOMED),
            CdaXml.start(child(obs, "effectiveTime")),
            StructuredEvidence.of(name == null, ctx.source(section, entry, obs))));
  }

  private static Element allergenEntity(Element obs) {
    for (Element participant : children(obs, "participant")) {
      if ("CSM".equals(attr(participant, "typeCode"))) {
        return path(participant, "participantRole", "playingEntity");
      }
    }
    return null;
  }

  /** False when a status observation, a resolution date or a closed concern says it is over. */
  private static boolean isCurrent(Element obs, String concernStatus, CcdaContext ctx) {
    for (Element inner : nested(obs)) {
      if (CdaXml.hasTemplate(inner, STATUS_TEMPLATE)) {
        String status = ctx.concept(child(inner, "value")).code(CodeSystem.SNOMED);
        return status == null || !NOT_CURRENT_SNOMED.contains(status);
      }
    }
    return CdaXml.end(child(obs, "effectiveTime")) == null && !"completed".equals(concernStatus);
  }

  private static String severityOf(Element severityObservation, CcdaContext ctx) {
    return AllergySeverity.of(ctx.concept(child(severityObservation, "value")));
  }

  private static List<Element> nested(Element obs) {
    return children(obs, "entryRelationship").stream()
        .map(r -> child(r, "observation"))
        .filter(o -> o != null)
        .toList();
  }
}
