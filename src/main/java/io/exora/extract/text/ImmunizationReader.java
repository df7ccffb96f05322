package io.exora.extract.text;

import io.exora.clinical.Immunization;
import io.exora.extract.text.Vocabularies.Vaccine;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads vaccinations given: "DTaP #4 - 03/14/2026", "MMR dose 1 given 2026-03-14",
 * "Hep B (3rd dose) 01/10/2025 Lot AB123", "Pediarix (DTaP-HepB-IPV) #2", and several on one line
 * ("Given today: DTaP, IPV, Hib, PCV20").
 *
 * <p>In an immunization section a vaccine name is enough; elsewhere the line must say it was given
 * ("received", "administered", "given"). A line that says a vaccine is due, recommended, declined
 * or deferred is not a vaccination, nor is anything in a "vaccines due" section. The date is the one
 * on the line, else the heading's; with neither it is left to the document's date (a vaccine
 * "given today" was given on the visit's day).
 */
final class ImmunizationReader implements LineReader {

  private static final Pattern NOT_GIVEN = Pattern.compile(
      "\\b(?:declined|refused|deferred|due|overdue|not given|not administered|contraindicated"
          + "|recommend(?:ed)?|will (?:give|receive|get)|to be given|scheduled|needs?|next dose"
          + "|at next visit|postponed|delayed|missed|unable|not indicated|not required"
          + "|not needed|no indication)\\b",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern GIVEN = Pattern.compile(
      "\\b(?:given|received|administered|got|vaccinated|immunized|had (?:the|her|his|their)?"
          + "\\s*(?:\\w+\\s+)?(?:vaccine|shot|dose)|gave)\\b",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern DOSE_NUMBER = Pattern.compile(
      "(?:#\\s*(\\d)(?!\\d)|\\bdose\\s*#?\\s*(\\d)(?!\\d)|\\b(\\d)(?:st|nd|rd|th)\\s+dose"
          + "|\\b(\\d)\\s*of\\s*\\d\\b|\\b(first|second|third|fourth|fifth)\\s+dose)",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern LOT = Pattern.compile(
      "\\blot(?:\\s*(?:#|no\\.?|number))?\\s*[:#]?\\s*([A-Z0-9][A-Z0-9-]{2,19})\\b",
      Pattern.CASE_INSENSITIVE);

  @Override
  public List<Found> read(Line line, DocumentDates dates) {
    Section section = line.section();
    boolean immunizationSection = section == Section.IMMUNIZATIONS;
    if (!immunizationSection && !section.isProse() && section != Section.PLAN
        && section != Section.PHYSICAL_EXAM) {
      return List.of();
    }
    String text = line.text();
    if (NOT_GIVEN.matcher(text).find()
        || !immunizationSection && !GIVEN.matcher(text).find()) {
      return List.of();
    }
    List<Mention> mentions = distinctMentions(Vocabularies.vaccines().find(text), text);
    List<Found> found = new ArrayList<>();
    for (int i = 0; i < mentions.size(); i++) {
      Mention mention = mentions.get(i);
      int limit = i + 1 < mentions.size() ? mentions.get(i + 1).start() : text.length();
      String segment = text.substring(mention.start(), limit);
      // "Hepatitis B dose 1 given 04/02/2024, dose 2 given 05/01/2024": one event per dose.
      List<Dates.Found> doseDates = Dates.findAll(segment);
      int doses = Math.max(1, doseDates.size());
      for (int d = 0; d < doses; d++) {
        String part = doseDates.size() < 2 ? segment : segment.substring(
            d == 0 ? 0 : doseDates.get(d - 1).end(),
            d + 1 < doseDates.size() ? doseDates.get(d).end() : segment.length());
        LocalDate date = doseDates.isEmpty()
            ? DocumentDates.eventDate(line, mention.start()) : doseDates.get(d).date();
        Score score = new Score(0.95)
            .minusIf(!immunizationSection, Score.OUTSIDE_SECTION)
            .minusIf(date == null, Score.NO_DATE)
            .ocr(mention.ocrCorrected());
        Vaccine vaccine = mention.vaccine();
        // Each later dose claims its own date's span: overlapping spans are read only once.
        int from = d == 0 ? mention.start() : mention.start() + doseDates.get(d - 1).end();
        int to = d == 0 ? mention.end() : mention.start() + doseDates.get(d).end();
        found.add(new Found(new Immunization(vaccine.name(), vaccine.cvx(), doseNumber(part),
            lot(part), date, score.evidence(text)), from, to));
      }
    }
    return found;
  }

  /** A vaccine named in the line, over the span of all the names given for it. */
  private record Mention(Vaccine vaccine, int start, int end, boolean ocrCorrected) {}

  /** Between two names of one vaccine: "Pneumococcal vaccine (PCV20)", "RotaTeq (rotavirus)". */
  private static final Pattern SAME_VACCINE_GAP = Pattern.compile(
      "[\\s(\\[/,-]*(?:vaccines?|vaccinations?|shots?|immuni[sz]ations?)?[\\s(\\[/,-]*",
      Pattern.CASE_INSENSITIVE);

  /**
   * "Pediarix (DTaP-HepB-IPV)", "Hib (PedvaxHIB)" and "recombinant zoster vaccine (Shingrix)" name
   * one vaccine twice, and "Pneumococcal vaccine (PCV20)" or "RotaTeq (rotavirus)" name it once
   * generically and once specifically: names joined only by brackets, punctuation or the word
   * "vaccine" are one vaccination, coded by the more specific name.
   */
  private static List<Mention> distinctMentions(List<TermMatch<Vaccine>> matches, String text) {
    List<Mention> out = new ArrayList<>();
    for (TermMatch<Vaccine> m : matches) {
      Mention next = new Mention(m.first(), m.start(), m.end(), m.ocrCorrected());
      String gap = out.isEmpty() || m.start() < out.getLast().end() ? null
          : text.substring(out.getLast().end(), m.start());
      // Different vaccines are one only when one is the other's bracketed name: "DTaP, IPV" are two.
      boolean sameName = gap != null && (out.getLast().vaccine().equals(m.first())
          || gap.contains("(") || gap.contains("["));
      if (sameName && SAME_VACCINE_GAP.matcher(gap).matches()) {
        Mention last = out.removeLast();
        Vaccine kept = unspecified(last.vaccine()) && !unspecified(m.first())
            ? m.first() : last.vaccine();
        out.add(new Mention(kept, last.start(), m.end(),
            last.ocrCorrected() || m.ocrCorrected()));
        continue;
      }
      out.add(next);
    }
    return out;
  }

  private static boolean unspecified(Vaccine v) {
    return v.name().toLowerCase(Locale.ROOT).contains("unspecified");
  }

  private static Integer doseNumber(String segment) {
    Matcher m = DOSE_NUMBER.matcher(segment);
    if (!m.find()) {
      return null;
    }
    for (int g = 1; g <= 4; g++) {
      if (m.group(g) != null) {
        int n = Integer.parseInt(m.group(g));
        return n >= 1 ? n : null;
      }
    }
    return switch (m.group(5).toLowerCase(Locale.ROOT)) {
      case "first" -> 1;
      case "second" -> 2;
      case "third" -> 3;
      case "fourth" -> 4;
      default -> 5;
    };
  }

  private static String lot(String segment) {
    Matcher m = LOT.matcher(segment);
    return m.find() && m.group(1).chars().anyMatch(Character::isDigit) ? m.group(1) : null;
  }
}
