package io.exora.extract.structured;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Calendar dates from HL7 timestamps. The date is the one written, in the zone it was written in:
 * "20250224233000-0500" is 24 February, not the UTC day. A timestamp less precise than a day
 * ("2016", "2016-03") gives null rather than an invented first of the month.
 */
final class Hl7Dates {

  private static final Pattern V3_TS = Pattern.compile("^(\\d{4})(\\d{2})(\\d{2})");
  private static final Pattern FHIR_DATE = Pattern.compile("^(\\d{4})-(\\d{2})-(\\d{2})");

  private Hl7Dates() {}

  /** A C-CDA {@code TS} value such as "20250224" or "20250224103000-0500". */
  static LocalDate fromV3(String ts) {
    return ts == null ? null : date(V3_TS.matcher(ts.trim()));
  }

  /** A FHIR date, dateTime or instant such as "2025-01-16" or "2025-01-16T09:30:00-05:00". */
  static LocalDate fromFhir(String value) {
    return value == null ? null : date(FHIR_DATE.matcher(value.trim()));
  }

  private static LocalDate date(Matcher m) {
    if (!m.find()) {
      return null;
    }
    try {
      return LocalDate.of(
          Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
    } catch (DateTimeException e) {
      return null; // "20250231": a date that does not exist is no date
    }
  }
}
