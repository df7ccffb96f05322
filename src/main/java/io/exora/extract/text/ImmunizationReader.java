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
          + "|at next visit|postponed|delayed|missed|unable)\\b",
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
    List<TermMatch<Vaccine>> matches = distinctMentions(Vocabularies.vaccines().find(text), text);
    List<Found> found = new ArrayList<>();
    for (int i = 0; i < matches.size(); i++) {
      TermMatch<Vaccine> match = matches.get(i);
      int limit = i + 1 < matches.size() ? matches.get(i + 1).start() : text.length();
      String segment = text.substring(match.start(), limit);
      LocalDate date = Dates.first(segment).map(Dates.Found::date)
          .orElse(DocumentDates.eventDate(line, match.start()));
      Score score = new Score(0.95)
          .minusIf(!immunizationSection, Score.OUTSIDE_SECTION)
          .minusIf(date == null, Score.NO_DATE)
          .ocr(match.ocrCorrected());
      Vaccine vaccine = match.first();
      found.add(new Found(new Immunization(vaccine.name(), vaccine.cvx(), doseNumber(segment),
          lot(segment), date, score.evidence(text)), match.start(), match.end()));
    }
    return found;
  }

  /** "Pediarix (DTaP-HepB-IPV)" and "Hib (PedvaxHIB)" name one vaccine twice: keep the first. */
  private static List<TermMatch<Vaccine>> distinctMentions(List<TermMatch<Vaccine>> matches,
      String text) {
    List<TermMatch<Vaccine>> out = new ArrayList<>();
    for (TermMatch<Vaccine> m : matches) {
      if (!out.isEmpty() && out.getLast().first().equals(m.first())
          && text.substring(out.getLast().end(), m.start()).matches("[\\s(\\[/,-]*")) {
        continue;
      }
      out.add(m);
    }
    return out;
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
