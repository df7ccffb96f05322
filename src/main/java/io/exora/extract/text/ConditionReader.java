package io.exora.extract.text;

import io.exora.clinical.Condition;
import io.exora.extract.text.Vocabularies.ConditionTerm;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads conditions, coded from the vocabulary, where a note states them about the patient.
 *
 * <p>Where it reads: a problem list, diagnoses or assessment (any condition, symptoms included, as
 * active unless the line says otherwise); past history (status unknown: the note does not say
 * whether it still holds); and prose (disorders only, never symptoms, with a lower confidence so a
 * person reviews them). Family and social history, review of systems, the physical exam, plans and
 * instructions are not read: what they name is someone else's, absent, or not yet so.
 *
 * <p>What it skips: negated terms ("denies chest pain", "no history of diabetes", "pneumonia was
 * ruled out"), uncertain or hypothetical ones ("rule out sepsis", "return if fever"), a relative's
 * ("mother with breast cancer"), and names used as qualifiers ("flu vaccine", "diabetes education").
 */
final class ConditionReader implements LineReader {

  private static final Pattern REMISSION = Pattern.compile("\\bin (?:partial |full |complete )?"
      + "remission\\b", Pattern.CASE_INSENSITIVE);
  /** Words before a condition that put it in the past ("remote history of", "childhood"). */
  private static final Pattern RESOLVED_BEFORE = Pattern.compile(
      "\\b(?:remote history of|past history of|previous|prior|former|childhood|resolved)\\b",
      Pattern.CASE_INSENSITIVE);
  /** Words anywhere in a condition's item that say it is over ("pneumonia, resolved"). A "s/p"
   *  is not one: "CAD s/p stent" names a procedure, and the disease remains. */
  private static final Pattern RESOLVED = Pattern.compile(
      "\\b(?:resolved|resolution of|healed|recovered|cured|no longer (?:present|active)"
          + "|as a child|in childhood)\\b",
      Pattern.CASE_INSENSITIVE);
  /** Words that, after a comma, still describe the condition before it. */
  private static final Pattern STATUS_ONLY = Pattern.compile(
      "^\\s*(?:now |currently |likely |clinically )?(?:resolved|resolving|healed|recovered|cured"
          + "|controlled|uncontrolled|well[- ]controlled|poorly controlled|stable|unstable|chronic"
          + "|acute|active|inactive|improving|improved|worsening|in (?:partial |full |complete )?"
          + "remission|diet[- ]controlled|on insulin|on medication)\\b[^,;]*",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern HISTORY = Pattern.compile(
      "\\b(?:history of|hx of|h/o|pmh of|pmhx of|known history of)\\b", Pattern.CASE_INSENSITIVE);
  private static final Pattern ACTIVE = Pattern.compile(
      "\\b(?:active|ongoing|current|chronic|uncontrolled|poorly controlled|well[- ]controlled"
          + "|controlled|stable|new|newly diagnosed|diagnosed with|exacerbation|persistent)\\b",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern ONSET = Pattern.compile(
      "\\b(?:diagnosed|dx'?d|onset|since|first noted)\\b(?:\\W+\\w+){0,4}?\\W*$",
      Pattern.CASE_INSENSITIVE);

  @Override
  public List<Found> read(Line line, DocumentDates dates) {
    Section section = line.section();
    boolean problems = section == Section.PROBLEMS;
    boolean past = section == Section.PAST_HISTORY;
    if (!problems && !past && !section.isProse()) {
      return List.of();
    }
    String text = line.text();
    List<Found> found = new ArrayList<>();
    for (TermMatch<ConditionTerm> match : Vocabularies.conditions().find(text)) {
      ConditionTerm term = match.first();
      if (term.symptom() && !problems && !past) {
        continue;
      }
      if (!Context.asserted(text, match.start(), match.end())) {
        continue;
      }
      String item = item(text, match.start(), match.end());
      String status = status(item, item.indexOf(match.text()), past);
      Score score = new Score(problems ? 0.9 : past ? 0.85 : 0.75)
          .ocr(match.ocrCorrected());
      LocalDate onset = onset(text);
      LocalDate date = onset == null ? DocumentDates.eventDate(line, match.start()) : null;
      found.add(new Found(new Condition(term.name(), term.icd10(), term.snomed(), status, onset,
          date, score.evidence(text)), match.start(), match.end()));
    }
    return found;
  }

  private static String status(String item, int termAt, boolean pastHistory) {
    String before = termAt > 0 ? item.substring(0, termAt) : "";
    if (REMISSION.matcher(item).find()) {
      return "remission";
    }
    if (RESOLVED.matcher(item).find() || RESOLVED_BEFORE.matcher(before).find()) {
      return "resolved";
    }
    if (ACTIVE.matcher(item).find()) {
      return "active";
    }
    if (pastHistory || HISTORY.matcher(item).find()) {
      return "unknown";
    }
    return "active";
  }

  /** The list item around a term: status words apply to their own item only ("Asthma, GERD
   *  resolved" resolves GERD, not asthma). */
  static String item(String text, int start, int end) {
    int from = start;
    while (from > 0 && ",;.".indexOf(text.charAt(from - 1)) < 0) {
      from--;
    }
    int to = end;
    int depth = 0;
    while (to < text.length()) {
      char c = text.charAt(to);
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (depth <= 0 && c == ',') {
        Matcher more = STATUS_ONLY.matcher(text).region(to + 1, text.length());
        if (!more.lookingAt()) {
          break;
        }
        to = more.end();
        continue;
      } else if (depth <= 0 && c == ';') {
        break;
      } else if (depth <= 0 && c == '.' && (to + 1 == text.length()
          || !Character.isDigit(text.charAt(to + 1)))) {
        break;
      }
      to++;
    }
    return text.substring(from, to);
  }

  private static LocalDate onset(String text) {
    for (Dates.Found d : Dates.findAll(text)) {
      if (ONSET.matcher(text.substring(0, d.start())).find()) {
        return d.date();
      }
    }
    return null;
  }
}
