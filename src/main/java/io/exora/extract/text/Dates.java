package io.exora.extract.text;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds calendar dates in a line: 2026-03-14, 2026/03/14, 03/14/2026, 3/14/26, 14.03.2026,
 * 14 Mar 2026, 14-Mar-2026, March 14, 2026, Mar. 14th 2026. OCR look-alikes inside the digits are
 * read through {@link OcrDigits}.
 *
 * <p>Limits: a slashed or dashed date is month first (US) unless its first number is above 12; a
 * dotted one is day first (European). Two-digit years are only read with slashes, as 20yy below 70
 * and 19yy from 70. A month and year without a day ("March 2026") is not a date here: the model has
 * no way to say "some day in March", and the first of the month would be an invented fact.
 */
final class Dates {

  /** A date and where it stands in the line. */
  record Found(LocalDate date, int start, int end, boolean ocrCorrected) {}

  private static final String MONTH =
      "(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          + "|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";

  private static final Pattern ISO = Pattern.compile(
      "(?<![\\d/.-])(\\d{4})([-/.])(\\d{1,2})\\2(\\d{1,2})(?![\\d/.-]*\\d)");
  private static final Pattern NUMERIC = Pattern.compile(
      "(?<![\\d/.-])(\\d{1,2})([/.-])(\\d{1,2})\\2(\\d{4}|\\d{2})(?![\\d/.]*\\d)");
  private static final Pattern DAY_MONTH_YEAR = Pattern.compile(
      "(?<![\\p{L}\\d])(\\d{1,2})(?:st|nd|rd|th)?[\\s-]+" + MONTH + "\\.?[\\s,-]+(\\d{4})(?!\\d)",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern MONTH_DAY_YEAR = Pattern.compile(
      "(?<![\\p{L}\\d])" + MONTH + "\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})(?!\\d)",
      Pattern.CASE_INSENSITIVE);

  private Dates() {}

  /** Every date in the line, left to right. */
  static List<Found> findAll(String line) {
    OcrDigits ocr = OcrDigits.of(line);
    String s = ocr.text();
    List<Found> found = new ArrayList<>();
    collect(found, ISO.matcher(s), ocr, m -> date(m.group(1), m.group(3), m.group(4)));
    collect(found, NUMERIC.matcher(s), ocr, m -> {
      int first = Integer.parseInt(m.group(1));
      int second = Integer.parseInt(m.group(3));
      String yearText = m.group(4);
      if (yearText.length() == 2 && !m.group(2).equals("/")) {
        return null;
      }
      int year = Integer.parseInt(yearText);
      if (yearText.length() == 2) {
        year += year < 70 ? 2000 : 1900;
      }
      boolean dayFirst = m.group(2).equals(".") || first > 12;
      return dayFirst ? of(year, second, first) : of(year, first, second);
    });
    collect(found, DAY_MONTH_YEAR.matcher(s), ocr,
        m -> of(Integer.parseInt(m.group(3)), month(m.group(2)), Integer.parseInt(m.group(1))));
    collect(found, MONTH_DAY_YEAR.matcher(s), ocr,
        m -> of(Integer.parseInt(m.group(3)), month(m.group(1)), Integer.parseInt(m.group(2))));
    found.sort((a, b) -> Integer.compare(a.start(), b.start()));
    List<Found> distinct = new ArrayList<>();
    int coveredTo = -1;
    for (Found f : found) {
      if (f.start() >= coveredTo) {
        distinct.add(f);
        coveredTo = f.end();
      }
    }
    return distinct;
  }

  static Optional<Found> first(String line) {
    List<Found> all = findAll(line);
    return all.isEmpty() ? Optional.empty() : Optional.of(all.getFirst());
  }

  private interface Reader {
    LocalDate read(Matcher m);
  }

  private static void collect(List<Found> out, Matcher m, OcrDigits ocr, Reader reader) {
    while (m.find()) {
      LocalDate date = reader.read(m);
      if (date != null) {
        out.add(new Found(date, m.start(), m.end(), ocr.corrected(m.start(), m.end())));
      }
    }
  }

  private static LocalDate date(String year, String month, String day) {
    return of(Integer.parseInt(year), Integer.parseInt(month), Integer.parseInt(day));
  }

  private static LocalDate of(int year, int month, int day) {
    if (year < 1900 || year > 2100) {
      return null;
    }
    try {
      return LocalDate.of(year, month, day);
    } catch (DateTimeException e) {
      return null;
    }
  }

  private static int month(String name) {
    return switch (name.substring(0, 3).toLowerCase(Locale.ROOT)) {
      case "jan" -> 1;
      case "feb" -> 2;
      case "mar" -> 3;
      case "apr" -> 4;
      case "may" -> 5;
      case "jun" -> 6;
      case "jul" -> 7;
      case "aug" -> 8;
      case "sep" -> 9;
      case "oct" -> 10;
      case "nov" -> 11;
      case "dec" -> 12;
      default -> throw new IllegalStateException("month " + name);
    };
  }
}
