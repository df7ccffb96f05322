package io.exora.extract.structured;

import static io.exora.extract.structured.CdaXml.child;
import static io.exora.extract.structured.CdaXml.children;

import io.exora.clinical.ClinicalEvent;
import io.exora.clinical.VitalSign;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.w3c.dom.Element;

/**
 * The Vital Signs section: vital sign organizers (one set of measurements taken together), each
 * holding one observation per measurement. Systolic and diastolic pressure from one organizer
 * become a single blood_pressure event; a measurement with no Exora vital type or no value is
 * skipped with a note, because a VitalSign without both says nothing.
 */
final class CcdaVitals implements CcdaSectionReader {

  @Override
  public void read(CcdaSection section, CcdaContext ctx, List<ClinicalEvent> out) {
    List<Element> entries = section.entries();
    for (int i = 0; i < entries.size(); i++) {
      Element organizer = child(entries.get(i), "organizer");
      List<Element> observations = new ArrayList<>();
      LocalDate setDate = null;
      if (organizer != null) {
        setDate = CdaXml.start(child(organizer, "effectiveTime"));
        for (Element component : children(organizer, "component")) {
          Element obs = child(component, "observation");
          if (obs != null) {
            observations.add(obs);
          }
        }
      }
      Element bare = child(entries.get(i), "observation");
      if (bare != null) {
        observations.add(bare);
      }
      readSet(observations, setDate, section, i, ctx, out);
    }
  }

  private static void readSet(
      List<Element> observations,
      LocalDate setDate,
      CcdaSection section,
      int entry,
      CcdaContext ctx,
      List<ClinicalEvent> out) {
    Measurement systolic = null;
    Measurement diastolic = null;
    for (Element obs : observations) {
      if (CdaXml.negated(obs) || CcdaResults.isNotDone(CdaXml.statusCode(obs))) {
        continue;
      }
      Measurement m = Measurement.of(obs, setDate, ctx);
      String where = section.title() + ", entry " + (entry + 1);
      if (VitalTypes.SYSTOLIC.equals(m.loinc())) {
        systolic = m;
      } else if (VitalTypes.DIASTOLIC.equals(m.loinc())) {
        diastolic = m;
      } else if (VitalTypes.typeOf(m.loinc()) == null) {
        ctx.note(where + ": vital sign " + m.label() + " has no Exora vital type; skipped");
      } else if (m.value().number() == null) {
        ctx.note(where + ": vital sign " + m.label() + " has no numeric value; skipped");
      } else {
        out.add(
            new VitalSign(
                m.label(),
                VitalTypes.typeOf(m.loinc()),
                m.value().number(),
                null,
                m.value().unit(),
                m.loinc(),
                m.date(),
                StructuredEvidence.of(m.nameMissing(), ctx.source(section, entry, obs))));
      }
    }
    bloodPressure(systolic, diastolic, section, entry, ctx, out);
  }

  private static void bloodPressure(
      Measurement systolic,
      Measurement diastolic,
      CcdaSection section,
      int entry,
      CcdaContext ctx,
      List<ClinicalEvent> out) {
    if (systolic == null && diastolic == null) {
      return;
    }
    if (systolic == null
        || diastolic == null
        || systolic.value().number() == null
        || diastolic.value().number() == null) {
      ctx.note(
          section.title()
              + ", entry "
              + (entry + 1)
              + ": a blood pressure needs both a systolic and a diastolic value; skipped");
      return;
    }
    out.add(
        new VitalSign(
            "Blood pressure",
            "blood_pressure",
            systolic.value().number(),
            diastolic.value().number(),
            systolic.value().unit(),
            VitalTypes.BP_PANEL,
            systolic.date(),
            StructuredEvidence.of(false, ctx.source(section, entry, systolic.observation()))));
  }

  /** One vital sign observation, read but not yet classified. */
  private record Measurement(
      Element observation,
      String loinc,
      String label,
      boolean nameMissing,
      CdaValue value,
      LocalDate date) {

    static Measurement of(Element obs, LocalDate setDate, CcdaContext ctx) {
      Concept code = ctx.concept(child(obs, "code"));
      String name = code.name();
      String label = name != null ? name : code.codeLabel();
      LocalDate date = CdaXml.start(child(obs, "effectiveTime"));
      return new Measurement(
          obs,
          code.code(CodeSystem.LOINC),
          label != null ? label : "without a code",
          name == null,
          CdaValue.of(child(obs, "value"), ctx),
          date != null ? date : setDate);
    }
  }
}
