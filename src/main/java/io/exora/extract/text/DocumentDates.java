package io.exora.extract.text;

import java.time.LocalDate;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The dates a document states about itself ("Collected: 03/14/2026", "Discharge Date: ...") and the
 * one that dates the document.
 *
 * <p>The document date is the first of: reported, discharge, visit, a bare "Date:", collected,
 * signed, printed; failing all, a date standing alone in the first lines (never a birth date). A
 * lab report's collection date is also the date of each of its results unless a row has its own.
 */
final class DocumentDates {

  enum Label { REPORTED, DISCHARGE, VISIT, GENERIC, COLLECTED, ADMISSION, SIGNED, PRINTED }

  private static final int HEADER_LINES = 12;

  private static final Map<Label, Pattern> LABELS = new EnumMap<>(Label.class);

  static {
    label(Label.REPORTED, "date reported|reported(?: date| on)?|report date|date of report"
        + "|resulted(?: on)?|result date|final(?:ized)? report|finalized|verified(?: on)?");
    label(Label.DISCHARGE, "discharge date|date of discharge|discharged(?: on)?|\\bdischarge(?=:)");
    label(Label.VISIT, "date of service|dos|visit date|date of visit|encounter date|service date"
        + "|seen on|exam date|date seen|appointment date|visit|clinic date|consultation date"
        + "|arrival(?: date| time)?|date/time of (?:visit|transfer|arrival|service)");
    // A "Date:" field anywhere in a header line ("Patient: ...   Date: 03/09/2026"), not only first.
    label(Label.GENERIC, "^\\s*date|(?<!(?:start|stop|end|due|expiry|expiration|onset|last|fill|order|effective|birth) )"
        + "\\bdate(?=\\s*:)|dated|(?:statement|invoice|letter|note|document) date");
    label(Label.COLLECTED, "date collected|collected(?: on)?|collection(?: date)?(?:/time)?"
        + "|date of collection|specimen collected|specimen date|sample date|drawn(?: on)?"
        + "|date drawn");
    label(Label.ADMISSION, "admission date|date of admission|admit date|admitted(?: on)?"
        + "|\\badmission(?=:)");
    label(Label.SIGNED, "electronically signed(?: on| by .{0,40}? on)?|signed(?: on)?|dictated"
        + "|transcribed");
    label(Label.PRINTED, "printed(?: on)?|print date|run date|reviewed(?: on)?|record updated"
        + "|updated(?: on)?");
  }

  /** Words that, just before a date, say it is not when an event happened. */
  private static final Pattern NOT_AN_EVENT_DATE = Pattern.compile(
      "(?:\\bdob|d\\.o\\.b\\.?|date of birth|birth ?date|\\bborn|\\bdue|next dose|next visit"
          + "|follow[- ]?up|return|recheck|repeat|until|expir\\w*|\\bexp|diagnosed|dx'?d|onset"
          + "|since|first noted)"
          + "\\W{0,3}(?:\\w+\\W{1,3}){0,3}$",
      Pattern.CASE_INSENSITIVE);

  private final Map<Label, LocalDate> labelled;
  private final LocalDate documentDate;

  private DocumentDates(Map<Label, LocalDate> labelled, LocalDate documentDate) {
    this.labelled = labelled;
    this.documentDate = documentDate;
  }

  private static void label(Label label, String words) {
    LABELS.put(label, Pattern.compile("(?:" + words + ")\\s*(?:date|time)?\\s*[:#=-]?\\s*",
        Pattern.CASE_INSENSITIVE));
  }

  static DocumentDates of(List<String> rawLines) {
    Map<Label, LocalDate> labelled = new EnumMap<>(Label.class);
    LocalDate firstUnlabelled = null;
    int lineIndex = 0;
    for (String line : rawLines) {
      for (Dates.Found date : Dates.findAll(line)) {
        String before = line.substring(0, date.start());
        if (NOT_AN_EVENT_DATE.matcher(before).find()) {
          continue;
        }
        Optional<Label> label = labelBefore(before);
        if (label.isPresent()) {
          labelled.putIfAbsent(label.get(), date.date());
        } else if (firstUnlabelled == null && lineIndex < HEADER_LINES && standsAlone(line, date)) {
          firstUnlabelled = date.date();
        }
      }
      if (!line.isBlank()) {
        lineIndex++;
      }
    }
    LocalDate document = null;
    for (Label l : List.of(Label.REPORTED, Label.DISCHARGE, Label.VISIT, Label.GENERIC,
        Label.COLLECTED, Label.SIGNED, Label.PRINTED)) {
      if (labelled.containsKey(l)) {
        document = labelled.get(l);
        break;
      }
    }
    return new DocumentDates(labelled, document != null ? document : firstUnlabelled);
  }

  /** A date that is most of its line ("March 14, 2026", "Springfield, 03/14/2026") dates the
   *  document; one inside a sentence ("thank you for your letter of March 3") does not. */
  private static boolean standsAlone(String line, Dates.Found date) {
    String rest = (line.substring(0, date.start()) + " " + line.substring(date.end())).strip();
    return rest.chars().noneMatch(Character::isDigit) && rest.split("[\\s,]+").length <= 3;
  }

  /** The label that ends right before a date ("Collected: "), if any. */
  private static Optional<Label> labelBefore(String before) {
    for (Map.Entry<Label, Pattern> e : LABELS.entrySet()) {
      Matcher m = e.getValue().matcher(before);
      while (m.find()) {
        if (m.end() == before.length()) {
          return Optional.of(e.getKey());
        }
      }
    }
    return Optional.empty();
  }

  LocalDate documentDate() {
    return documentDate;
  }

  /** When a lab report's specimens were taken, or null. */
  LocalDate collected() {
    return labelled.get(Label.COLLECTED);
  }

  /**
   * The date an event at {@code position} of this line happened: the first date in the same clause
   * that is not a birth date, a due date or an onset; else the section heading's date; else null.
   */
  static LocalDate eventDate(Line line, int position) {
    String text = line.text();
    int at = Math.min(Math.max(position, 0), text.length());
    int clauseStart = at - Context.clauseBefore(text, at).length();
    int clauseEnd = Context.clauseEnd(text, at);
    for (Dates.Found date : Dates.findAll(text)) {
      if (date.start() >= clauseStart && date.end() <= clauseEnd
          && !NOT_AN_EVENT_DATE.matcher(text.substring(0, date.start())).find()) {
        return date.date();
      }
    }
    return line.sectionDate();
  }
}
