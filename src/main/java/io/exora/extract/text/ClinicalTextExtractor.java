package io.exora.extract.text;

import io.exora.clinical.Allergy;
import io.exora.clinical.ClinicalEvent;
import io.exora.clinical.Condition;
import io.exora.clinical.Evidence;
import io.exora.clinical.Extraction;
import io.exora.clinical.Immunization;
import io.exora.clinical.LabResult;
import io.exora.clinical.Medication;
import io.exora.clinical.VitalSign;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The offline clinical extractor: reads lab results, vital signs, medications, conditions,
 * allergies and immunizations from a document's text with coded vocabularies and patterns, and no
 * network. It is what the {@code local} AI provider runs, and it is built for typed reports,
 * discharge summaries and OCR output alike.
 *
 * <p>How: the text is split into lines, each under the section its last heading opened
 * ({@link SectionHeaders}); the section chooses which readers look at the line and in which order,
 * so "Hypertension" under "Family History" is never the patient's. Each reader returns events with
 * the span it read; a span already claimed by an earlier reader on the same line is not read
 * twice. Events repeated across the document (a diagnosis in the problem list and again in the
 * assessment) are kept once, with the higher confidence.
 *
 * <p>Precision comes before recall: a sentence that does not state an event yields none, only
 * vocabulary terms are coded, and every event carries an {@link io.exora.clinical.Evidence} whose
 * confidence drops for what is missing or guessed (no unit, no range, no code, an OCR correction)
 * and which asks for review below 0.8 or after any OCR correction.
 *
 * <p>Instances are stateless and thread-safe; the vocabularies are loaded once per process.
 */
public final class ClinicalTextExtractor {

  /** The reader name and version kept with every extraction. */
  public static final String READER = "text-patterns/1";

  /** Longer texts are refused: no medical document is this long, and the work is linear in it. */
  public static final int MAX_TEXT_CHARS = 5_000_000;

  /** A line longer than this is prose: its events cite their sentence, not the paragraph. */
  private static final int LONG_LINE = 160;

  private final LineReader labs = new LabReader();
  private final LineReader vitals = new VitalReader();
  private final LineReader medications = new MedicationReader();
  private final LineReader conditions = new ConditionReader();
  private final LineReader allergies = new AllergyReader();
  private final LineReader immunizations = new ImmunizationReader();

  public Extraction extract(String text) {
    Objects.requireNonNull(text, "text");
    if (text.length() > MAX_TEXT_CHARS) {
      throw new IllegalArgumentException("text is " + text.length()
          + " characters; the extractor reads at most " + MAX_TEXT_CHARS);
    }
    DocumentReader.Document document = DocumentReader.read(text);
    DocumentDates dates = DocumentDates.of(document.rawLines());
    List<ClinicalEvent> events = new ArrayList<>();
    for (Line line : document.lines()) {
      List<Found> claimed = new ArrayList<>();
      for (LineReader reader : readersFor(line.section())) {
        for (Found found : reader.read(line, dates)) {
          if (claimed.stream().noneMatch(found::overlaps)) {
            claimed.add(found);
          }
        }
      }
      claimed.sort((a, b) -> Integer.compare(a.start(), b.start()));
      for (Found f : claimed) {
        events.add(line.text().length() > LONG_LINE
            ? withSource(f.event(), sentence(line.text(), f.start(), f.end())) : f.event());
      }
    }
    return new Extraction(dates.documentDate(), distinct(events), READER);
  }

  private List<LineReader> readersFor(Section section) {
    return switch (section) {
      case LABS, URINALYSIS -> List.of(labs);
      case VITALS, PHYSICAL_EXAM -> List.of(vitals);
      case MEDICATIONS, STOPPED_MEDICATIONS -> List.of(medications);
      case ALLERGIES -> List.of(allergies);
      case PROBLEMS, PAST_HISTORY -> List.of(allergies, conditions);
      case IMMUNIZATIONS -> List.of(immunizations);
      case PLAN -> List.of(medications, immunizations);
      case IMMUNIZATIONS_DUE, FAMILY_HISTORY, SOCIAL_HISTORY, REVIEW_OF_SYSTEMS -> List.of();
      case NONE, OTHER, NARRATIVE ->
          List.of(vitals, labs, immunizations, allergies, medications, conditions);
    };
  }

  private static String sentence(String text, int start, int end) {
    int from = start;
    while (from > 0 && !(".!?;".indexOf(text.charAt(from - 1)) >= 0
        && (from == text.length() || Character.isWhitespace(text.charAt(from))))) {
      from--;
    }
    int to = Math.max(end, start);
    while (to < text.length() && !(".!?;".indexOf(text.charAt(to)) >= 0
        && (to + 1 == text.length() || Character.isWhitespace(text.charAt(to + 1))))) {
      to++;
    }
    return text.substring(from, Math.min(text.length(), to + 1)).strip();
  }

  private static ClinicalEvent withSource(ClinicalEvent event, String source) {
    Evidence e = new Evidence(event.evidence().confidence(), event.evidence().requiresReview(),
        source);
    return switch (event) {
      case LabResult l -> new LabResult(l.name(), l.loincCode(), l.valueNumeric(), l.valueText(),
          l.unit(), l.referenceLow(), l.referenceHigh(), l.referenceText(), l.interpretation(),
          l.date(), e);
      case VitalSign v -> new VitalSign(v.name(), v.type(), v.value(), v.secondaryValue(),
          v.unit(), v.loincCode(), v.date(), e);
      case Medication m -> new Medication(m.name(), m.rxnormCode(), m.strength(), m.doseAmount(),
          m.doseUnit(), m.route(), m.frequency(), m.startDate(), m.endDate(), m.status(), m.date(),
          e);
      case Condition c -> new Condition(c.name(), c.icd10Code(), c.snomedCode(), c.status(),
          c.onsetDate(), c.date(), e);
      case Allergy a -> new Allergy(a.name(), a.allergenType(), a.reaction(), a.severity(),
          a.snomedCode(), a.date(), e);
      case Immunization i -> new Immunization(i.name(), i.cvxCode(), i.doseNumber(),
          i.lotNumber(), i.date(), e);
    };
  }

  /** One event per fact: the first place it appears, with the best confidence seen for it. */
  private static List<ClinicalEvent> distinct(List<ClinicalEvent> events) {
    Map<String, ClinicalEvent> byKey = new LinkedHashMap<>();
    for (ClinicalEvent event : events) {
      byKey.merge(key(event), event, (kept, next) ->
          next.evidence().confidence() > kept.evidence().confidence() ? next : kept);
    }
    // "Metformin 500 mg BID" in the list and "continue metformin" in the plan are one medication:
    // a mention without a strength adds nothing when the same drug is also stated with one.
    List<ClinicalEvent> out = new ArrayList<>();
    for (ClinicalEvent event : byKey.values()) {
      if (event instanceof Medication m && m.strength() == null
          && byKey.values().stream().anyMatch(o -> o instanceof Medication other
              && other.strength() != null && drugKey(other).equals(drugKey(m)))) {
        continue;
      }
      out.add(event);
    }
    return List.copyOf(out);
  }

  private static String drugKey(Medication m) {
    return m.rxnormCode() != null ? m.rxnormCode()
        : m.name().toLowerCase(Locale.ROOT).replaceAll("\\s+\\d.*$", "");
  }

  private static String key(ClinicalEvent event) {
    return switch (event) {
      case LabResult l -> String.join("|", "lab", l.loincCode(), String.valueOf(l.valueNumeric()),
          String.valueOf(l.valueText()), String.valueOf(l.unit()), String.valueOf(l.date()));
      case VitalSign v -> String.join("|", "vital", v.type(), v.value().toPlainString(),
          String.valueOf(v.secondaryValue()), String.valueOf(v.unit()), String.valueOf(v.date()));
      case Medication m -> String.join("|", "medication",
          m.rxnormCode() != null ? m.rxnormCode() : m.name().toLowerCase(Locale.ROOT),
          String.valueOf(m.strength()), m.status());
      case Condition c -> String.join("|", "condition", c.icd10Code());
      case Allergy a -> String.join("|", "allergy", a.name().toLowerCase(Locale.ROOT));
      case Immunization i -> String.join("|", "immunization", i.cvxCode(),
          String.valueOf(i.doseNumber()), String.valueOf(i.date()));
    };
  }
}
