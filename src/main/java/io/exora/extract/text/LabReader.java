package io.exora.extract.text;

import io.exora.clinical.LabResult;
import io.exora.extract.text.Vocabularies.LabTest;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads lab results: a known test name, then its value, and in any order a unit, an abnormal flag
 * and a reference range ("Hemoglobin 11.2 L g/dL 12.0-16.0", "Cholesterol, Total 245 H <200 mg/dL",
 * "WBC: 11.2 x10^3/uL (4.0-10.5) H", "Nitrite  Negative  (Negative)").
 *
 * <p>Precision first: the value must follow the name (a colon, dots, a short parenthesis or a word
 * like "was" may stand between); outside a lab section a number counts only with a unit or a range,
 * a line with a currency is a bill, and a dose unit ("Iron 325 mg") makes it a medication. Tests
 * that are not in the vocabulary are not read. Interpretation is the report's flag when it has one,
 * else computed from the range.
 */
final class LabReader implements LineReader {

  private static final Pattern CURRENCY =
      Pattern.compile("[$€£]|\\b(?:usd|eur|gbp|price|charge|amount due|balance)\\b",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern LEAD = Pattern.compile(
      "(?:\\s|[:=|]|\\.{2,}|\\s-+\\s|-(?=\\s*\\d)|\\((?:[^()\\d]{1,25}|\\d{3,6}-\\d)\\)"
          + "|\\[\\d{3,6}-\\d]|\\b(?:is|was|of|at|level|levels|value|result|results|measured"
          + "|today|now|serum|plasma|blood|whole blood|fasting|random)\\b)+",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern NOT_A_LAB_VALUE = Pattern.compile(
      "\\s*(?:/\\s*\\d|:\\d|x\\b(?!\\s*10)|times\\b|days?\\b|weeks?\\b|months?\\b|years?\\b|yrs?\\b"
          + "|hours?\\b|hrs?\\b|minutes?\\b|mins?\\b|%ile|(?:st|nd|rd|th)\\b|-?\\s*percentile"
          + "|(?:mg|mcg|g|gm|grams?|tablets?|tabs?|capsules?|caps?|puffs?|units?|iu|ml|cc|drops?"
          + "|kg|lbs?|cm|in|bpm)(?![\\p{L}/]))",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern SPLIT_DIGITS = Pattern.compile(" (\\d{1,2}(?:\\.\\d+)?)(?= )");
  private static final Pattern VALUE_RANGE =
      Pattern.compile("-(\\d+(?:\\.\\d+)?)(?=\\s*(?:[HLA]\\s+)?(?:/|$))");
  private static final int MAX_TOKENS = 8;

  private record Reading(LabTest test, Numbers.Num number, String text, Units.Match unit,
      ReferenceRange range, String flag, int end, boolean ocr) {}

  @Override
  public List<Found> read(Line line, DocumentDates dates) {
    boolean labSection = line.section() == Section.LABS || line.section() == Section.URINALYSIS;
    String text = line.text();
    if (!labSection && CURRENCY.matcher(text).find()) {
      return List.of();
    }
    TermIndex<LabTest> index = line.section() == Section.URINALYSIS
        ? Vocabularies.urinalysisLabs() : Vocabularies.labs();
    // "K" in "K/uL" is a unit, not potassium.
    List<TermMatch<LabTest>> names = index.find(text).stream()
        .filter(m -> Units.at(text, m.start()).isEmpty()).toList();
    if (names.isEmpty()) {
      return List.of();
    }
    OcrDigits ocr = OcrDigits.of(text);
    List<Dates.Found> datesOnLine = Dates.findAll(text);
    List<Found> found = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      TermMatch<LabTest> name = names.get(i);
      int limit = i + 1 < names.size() ? names.get(i + 1).start() : text.length();
      Optional<Reading> reading = read(name, text, ocr, datesOnLine, limit, labSection);
      if (reading.isPresent()) {
        found.add(new Found(toEvent(reading.get(), line, dates, labSection, name.start()),
            name.start(), reading.get().end()));
      }
    }
    return found;
  }

  private Optional<Reading> read(TermMatch<LabTest> name, String text, OcrDigits ocr,
      List<Dates.Found> datesOnLine, int limit, boolean labSection) {
    Matcher lead = LEAD.matcher(text).region(name.end(), limit);
    int p = lead.lookingAt() ? lead.end() : name.end();
    if (p >= limit) {
      return Optional.empty();
    }
    Optional<Numbers.Num> number =
        Numbers.at(ocr, p).map(n -> rejoinSplitDigits(n, text, ocr, limit));
    Optional<LabValues.Word> word = number.isPresent()
        ? Optional.empty() : LabValues.qualitativeAt(text, p);
    if (number.isPresent() && number.get().comparator() == null) {
      // "WBC 10-20 /hpf": a microscopy count is reported as a range, a value in words.
      Matcher spread = VALUE_RANGE.matcher(ocr.text()).region(number.get().end(), limit);
      if (spread.lookingAt()) {
        word = Optional.of(new LabValues.Word(
            number.get().value().toPlainString() + "-" + spread.group(1), spread.end()));
        number = Optional.empty();
      }
    }
    int end;
    if (number.isPresent()) {
      end = number.get().end();
      boolean labUnitNext = Units.at(text, Numbers.skipSpaces(text, end)).isPresent();
      if (end > limit
          || !labUnitNext && NOT_A_LAB_VALUE.matcher(text).region(end, text.length()).lookingAt()) {
        return Optional.empty();
      }
    } else if (word.isPresent()) {
      end = word.get().end();
    } else {
      return Optional.empty();
    }
    Units.Match unit = null;
    ReferenceRange range = null;
    String flag = null;
    boolean rangeOcr = false;
    for (int t = 0; t < MAX_TOKENS; t++) {
      int q = skipSeparators(text, end);
      if (q >= limit) {
        break;
      }
      Optional<LabValues.Word> f = flag == null ? LabValues.flagAt(text, q) : Optional.empty();
      Optional<Units.Match> u = unit == null ? Units.at(text, q) : Optional.empty();
      Optional<ReferenceRange.Found> r = range != null ? Optional.empty()
          : number.isPresent() ? ReferenceRange.numericAt(ocr, q)
          : ReferenceRange.qualitativeAt(text, q);
      int at = q;
      Optional<Dates.Found> date = datesOnLine.stream()
          .filter(d -> d.start() == at && d.end() <= limit).findFirst();
      if (date.isPresent()) {
        end = date.get().end();
      } else if (r.isPresent()) {
        range = r.get().range();
        rangeOcr = r.get().ocrCorrected();
        end = r.get().end();
      } else if (u.isPresent()) {
        unit = u.get();
        end = u.get().end();
      } else if (f.isPresent()) {
        flag = f.get().value();
        end = f.get().end();
      } else {
        break;
      }
    }
    int next = skipSeparators(text, end);
    if (next < limit && Character.isDigit(ocr.text().charAt(next))
        && unit == null && range == null) {
      return Optional.empty(); // "Glucose 105 98": two numbers and nothing to tell which is which
    }
    LabTest test = chooseByUnit(name.entries(), unit);
    if (number.isPresent() && !test.quantitative() || word.isPresent() && !test.qualitative()) {
      return Optional.empty();
    }
    if (number.isPresent() && !labSection && unit == null && range == null && test.unit() != null) {
      return Optional.empty();
    }
    boolean ocrUsed = name.ocrCorrected() || rangeOcr
        || number.map(Numbers.Num::ocrCorrected).orElse(false);
    return Optional.of(new Reading(test, number.orElse(null), word.map(LabValues.Word::value)
        .orElse(null), unit, range, flag, end, ocrUsed));
  }

  /**
   * OCR splits numbers at odd places: "HDL 4 5 mg/dL" is 45. Two short digit groups one space apart
   * and followed by a unit are read as one number, flagged as an OCR correction.
   */
  private static Numbers.Num rejoinSplitDigits(Numbers.Num n, String text, OcrDigits ocr,
      int limit) {
    if (n.comparator() != null || n.value().scale() > 0 || n.end() - n.start() > 3) {
      return n;
    }
    Matcher split = SPLIT_DIGITS.matcher(ocr.text()).region(n.end(), limit);
    if (!split.lookingAt()
        || Units.at(text, Numbers.skipSpaces(text, split.end())).isEmpty()) {
      return n;
    }
    return new Numbers.Num(new java.math.BigDecimal(n.value().toPlainString() + split.group(1)),
        null, n.start(), split.end(), true);
  }

  /** Skips spaces, commas, semicolons, column bars and dot leaders ("8 ng/mL ...... 15-150"). */
  private static int skipSeparators(String text, int pos) {
    int p = pos;
    while (p < text.length()) {
      char c = text.charAt(p);
      boolean leader = c == '.' && p + 1 < text.length() && text.charAt(p + 1) == '.';
      if (c == ' ' || c == ',' || c == ';' || c == '|' || leader) {
        p += leader ? 2 : 1;
        while (leader && p < text.length() && text.charAt(p) == '.') {
          p++;
        }
      } else {
        break;
      }
    }
    return p;
  }

  /** Tests sharing a name differ by unit: take the one whose unit fits what was printed. */
  private static LabTest chooseByUnit(List<LabTest> tests, Units.Match unit) {
    if (unit != null) {
      for (LabTest test : tests) {
        if (Units.dimensionOf(test.unit()) == unit.unit().dimension()) {
          return test;
        }
      }
    }
    return tests.getFirst();
  }

  private static LabResult toEvent(Reading r, Line line, DocumentDates dates, boolean labSection,
      int position) {
    LabTest test = r.test();
    String unit = r.unit() == null ? null : r.unit().unit().ucum();
    boolean unitMismatch = r.unit() != null && test.unit() != null
        && Units.dimensionOf(test.unit()) != r.unit().unit().dimension();
    Score score = new Score(0.95)
        .minusIf(!labSection, Score.OUTSIDE_SECTION)
        .minusIf(r.number() != null && unit == null && test.unit() != null, Score.MISSING_UNIT)
        .minusIf(unitMismatch, Score.UNIT_MISMATCH)
        .minusIf(r.range() == null, Score.MISSING_RANGE)
        .ocr(r.ocr());
    BigDecimal numeric = null;
    String valueText = r.text();
    if (r.number() != null) {
      if (r.number().comparator() == null) {
        numeric = r.number().value();
      } else {
        valueText = r.number().text();
      }
    }
    ReferenceRange range = r.range();
    java.time.LocalDate date = DocumentDates.eventDate(line, position);
    return new LabResult(test.name(), test.loinc(), numeric, valueText, unit,
        range == null ? null : range.low(), range == null ? null : range.high(),
        range == null ? null : range.text(),
        Interpretation.of(r.number(), r.text(), range, r.flag()),
        date != null ? date : dates.collected(), score.evidence(line.text()));
  }
}
