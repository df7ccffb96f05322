package io.exora.extract.text;

import io.exora.clinical.Medication;
import io.exora.extract.text.Vocabularies.Drug;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads medications: "Metformin 500 mg PO BID", "atorvastatin 20mg daily at bedtime",
 * "Amoxicillin 250 mg/5 mL oral suspension, 5 mL three times daily for 10 days",
 * "Lipitor (atorvastatin) 20 mg", "Ibuprofen 400 mg - discontinued".
 *
 * <p>In a medication section a known drug's name is enough, and an unknown name followed by a
 * strength at the start of a line ("Melatonin 3 mg ...") is read without a code and flagged for
 * review. Elsewhere a known drug needs a strength, and "allergic to", "denies" or "not taking"
 * before it means it is not a medication statement. A fixed combination not in the vocabulary
 * ("amoxicillin-clavulanate") keeps its full name and no code rather than the first ingredient's.
 *
 * <p>Status: stopped in a "stop taking" section or next to "discontinued"/"stopped"; on_hold next to
 * "hold"; completed next to "completed"/"finished"; otherwise active where the note lists current
 * or discharge medications or says "started", "taking", "continue"; else unknown.
 */
final class MedicationReader implements LineReader {

  private static final Pattern BULLET = Pattern.compile("^\\s*(?:[-*•·]+|\\d{1,2}[.)])\\s*");
  private static final Pattern COMBINATION = Pattern.compile("^\\s*[-/]\\s*[A-Za-z]+(?![\\p{L}])");
  private static final Pattern STOPPED = Pattern.compile(
      "\\b(?:discontinued|discontinue|d/c'?d|stopped|stop taking|stop|no longer taking|ceased"
          + "|was stopped|has been stopped)\\b", Pattern.CASE_INSENSITIVE);
  private static final Pattern ON_HOLD = Pattern.compile(
      "\\b(?:hold|held|on hold|holding|paused)\\b", Pattern.CASE_INSENSITIVE);
  private static final Pattern COMPLETED = Pattern.compile(
      "\\b(?:completed|finished|course complete|was given|were given|received|administered"
          + "|treated with|was treated|were treated)\\b",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern ACTIVE_CUE = Pattern.compile(
      "\\b(?:start|started|starting|begin|began|continue|continued|continuing|taking|takes|take"
          + "|on|prescribed|increase|increased|decrease|decreased|resume|resumed|titrate|titrated"
          + "|switched to|changed to|initiated)\\b", Pattern.CASE_INSENSITIVE);
  private static final Pattern ALLERGY_CUE = Pattern.compile(
      "\\b(?:allerg\\w*|intoleran\\w*|reaction to|sensitive to|sensitivity to)\\b",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern START_DATE = Pattern.compile(
      "\\b(?:started|start date|since|began|initiated|resume|resumed|restart|restarted)\\b"
          + "\\W{0,3}(?:on\\s+)?$",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern END_DATE = Pattern.compile(
      "\\b(?:stopped|stop date|end date|discontinued|d/c'?d|until|through|ended)\\b\\W{0,3}"
          + "(?:on\\s+)?$", Pattern.CASE_INSENSITIVE);
  private static final Pattern UNKNOWN_DRUG = Pattern.compile(
      "^([A-Z][A-Za-z]{2,}(?:[- ][A-Za-z]{2,}){0,2})\\s+(?=\\d)");
  private static final Pattern NOT_A_DRUG_NAME = Pattern.compile(
      "(?i)\\b(?:take|takes|give|start|stop|continue|apply|use|inject|inhale|tablets?|capsules?"
          + "|patient|dose|doses|daily|every|day|days|week|weeks|total|refills?|quantity|qty"
          + "|dispense|disp|sig|for|with|and|the|then|was|were|last|next|page|room|bed|phone"
          + "|fax|age|visit|follow|return|see|call|none|no|not)\\b");

  @Override
  public List<Found> read(Line line, DocumentDates dates) {
    boolean medSection = line.section() == Section.MEDICATIONS
        || line.section() == Section.STOPPED_MEDICATIONS;
    String text = line.text();
    Matcher bullet = BULLET.matcher(text);
    int bodyStart = bullet.lookingAt() ? bullet.end() : 0;
    List<TermMatch<Drug>> drugs = distinctMentions(Vocabularies.drugs().find(text), text);
    List<Found> found = new ArrayList<>();
    for (int i = 0; i < drugs.size(); i++) {
      TermMatch<Drug> drug = drugs.get(i);
      int limit = i + 1 < drugs.size() ? drugs.get(i + 1).start() : text.length();
      int clauseStart = drug.start() - Context.clauseBefore(text, drug.start()).length();
      boolean firstInClause = i == 0 || drugs.get(i - 1).start() < clauseStart;
      read(line, drug, limit, medSection, firstInClause ? clauseStart : drug.start())
          .ifPresent(found::add);
    }
    if (drugs.isEmpty() && medSection) {
      unknownDrug(line, bodyStart).ifPresent(found::add);
    }
    return found;
  }

  /** "Lipitor (atorvastatin) 20 mg" names one drug twice: keep the first mention. */
  private static List<TermMatch<Drug>> distinctMentions(List<TermMatch<Drug>> matches,
      String text) {
    List<TermMatch<Drug>> out = new ArrayList<>();
    for (TermMatch<Drug> m : matches) {
      if (!out.isEmpty()) {
        TermMatch<Drug> last = out.getLast();
        String gap = text.substring(last.end(), m.start());
        if (last.first().equals(m.first()) && gap.matches("[\\s(\\[,/-]*")) {
          continue;
        }
      }
      out.add(m);
    }
    return out;
  }

  private Optional<Found> read(Line line, TermMatch<Drug> drug, int limit, boolean medSection,
      int doseFrom) {
    String text = line.text();
    String segment = text.substring(drug.start(), limit);
    String status = status(line.section(), text, drug, segment, medSection);
    if (status == null) {
      return Optional.empty();
    }
    Matcher combination = COMBINATION.matcher(text).region(drug.end(), limit);
    boolean isCombination = combination.lookingAt();
    int nameEnd = isCombination ? combination.end() : drug.end();
    Optional<Sig.Strength> strength = Sig.strengthAfter(text, nameEnd, limit);
    if (strength.isEmpty() && !medSection) {
      return Optional.empty();
    }
    String baseName = isCombination ? capitalize(text.substring(drug.start(), nameEnd).strip())
        : drug.first().name();
    String rxcui = isCombination ? null : drug.first().rxcui();
    Score score = new Score(0.95)
        .minusIf(!medSection, Score.OUTSIDE_SECTION)
        .minusIf(rxcui == null, Score.UNCODED)
        .minusIf(strength.isEmpty(), Score.NO_STRENGTH)
        .ocr(drug.ocrCorrected());
    int end = strength.map(Sig.Strength::end).orElse(nameEnd);
    return Optional.of(new Found(event(line, new Span(drug.start(), doseFrom, limit), baseName,
        rxcui, strength, status, score), drug.start(), end));
  }

  private Optional<Found> unknownDrug(Line line, int bodyStart) {
    String text = line.text();
    Matcher m = UNKNOWN_DRUG.matcher(text.substring(bodyStart));
    if (!m.lookingAt() || NOT_A_DRUG_NAME.matcher(m.group(1)).find()
        || isWholeTerm(m.group(1))) {
      return Optional.empty();
    }
    int nameEnd = bodyStart + m.end(1);
    Optional<Sig.Strength> strength = Sig.strengthAfter(text, nameEnd, text.length());
    if (strength.isEmpty()) {
      return Optional.empty();
    }
    String segment = text.substring(bodyStart);
    String status = status(line.section(), text, null, segment, true);
    Score score = new Score(0.95).minus(Score.UNCODED);
    return Optional.of(new Found(event(line, new Span(bodyStart, bodyStart, text.length()),
        m.group(1), null, strength, status, score), bodyStart, text.length()));
  }

  /**
   * Whether the whole name is another vocabulary's term ("Potassium 4.2" is a lab result); a name
   * that only contains one ("Potassium chloride 20 mEq", "Vitamin B12 1000 mcg") is a drug.
   */
  private static boolean isWholeTerm(String name) {
    String n = name.strip();
    return Stream.of(Vocabularies.labs().find(n), Vocabularies.conditions().find(n),
            Vocabularies.vaccines().find(n), Vocabularies.allergens().find(n))
        .flatMap(List::stream)
        .anyMatch(t -> t.start() == 0 && t.end() >= n.length());
  }

  /** Where a mention is: the drug's name starts at {@code start}; its sig runs to {@code limit};
   *  a dose may stand before the name from {@code doseFrom} ("Take 2 tablets of acetaminophen"). */
  private record Span(int start, int doseFrom, int limit) {}

  private static Medication event(Line line, Span span, String baseName, String rxcui,
      Optional<Sig.Strength> strength, String status, Score score) {
    String text = line.text();
    String segment = text.substring(span.start(), span.limit());
    int excludeFrom = strength.map(Sig.Strength::start).orElse(-1);
    int excludeTo = strength.map(Sig.Strength::end).orElse(-1);
    Optional<Sig.Dose> dose = Sig.dose(text, span.doseFrom(), span.limit(), excludeFrom, excludeTo);
    BigDecimal doseAmount = null;
    String doseUnit = null;
    if (dose.isPresent()) {
      doseAmount = dose.get().amount();
      doseUnit = dose.get().unit();
    } else if (strength.isPresent() && !strength.get().perVolume()
        && strength.get().amount() != null && !strength.get().unit().equals("%")) {
      doseAmount = strength.get().amount();
      doseUnit = strength.get().unit();
    }
    LocalDate start = dateAfter(text, START_DATE);
    LocalDate end = dateAfter(text, END_DATE);
    LocalDate date = start == null && end == null
        ? DocumentDates.eventDate(line, span.start()) : null;
    String name = baseName + strength.map(s -> " " + s.text()).orElse("");
    return new Medication(name, rxcui, strength.map(Sig.Strength::text).orElse(null), doseAmount,
        doseUnit, Sig.route(segment), Sig.frequency(segment), start, end, status, date,
        score.evidence(text));
  }

  /** The status, or null when the line says the patient does not take the drug. */
  private static String status(Section section, String text, TermMatch<Drug> drug, String segment,
      boolean medSection) {
    int start = drug == null ? 0 : drug.start();
    int end = drug == null ? 0 : drug.end();
    String clause = Context.clauseBefore(text, start) + segment;
    if (section == Section.STOPPED_MEDICATIONS || STOPPED.matcher(clause).find()) {
      return "stopped";
    }
    // Only the drug's own clause: "metformin 500 mg twice daily. He reports an allergy to
    // atorvastatin" does not make metformin an allergen.
    String ownClause = drug == null ? segment
        : segment.substring(0, Math.max(0, Math.min(segment.length(),
            Context.clauseEnd(text, end) - start)));
    if (drug != null && (Context.negated(text, start, end)
        || ALLERGY_CUE.matcher(Context.clauseBefore(text, start)).find()
        || ALLERGY_CUE.matcher(ownClause).find())) {
      return null;
    }
    if (ON_HOLD.matcher(clause).find()) {
      return "on_hold";
    }
    if (COMPLETED.matcher(clause).find()) {
      return "completed";
    }
    if (medSection || section == Section.PLAN || ACTIVE_CUE.matcher(clause).find()) {
      return "active";
    }
    return "unknown";
  }

  private static LocalDate dateAfter(String text, Pattern cue) {
    for (Dates.Found d : Dates.findAll(text)) {
      if (cue.matcher(text.substring(0, d.start())).find()) {
        return d.date();
      }
    }
    return null;
  }

  private static String capitalize(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
