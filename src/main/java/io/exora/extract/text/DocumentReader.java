package io.exora.extract.text;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Turns a document's text into {@link Line}s: normalises typography, rejoins lab rows that OCR
 * broke over two lines and prose wrapped at a fixed width, and gives every line its section.
 *
 * <p>A section opened by a heading that stands alone on its line runs to the next heading. One
 * opened by a heading with content on the same line ("Allergies: penicillin") ends at the next
 * blank line as well, since such notes rarely close it with another heading.
 */
final class DocumentReader {

  /** A text line longer than this is cut at sentence ends, to bound the work on one line. */
  static final int MAX_LINE_CHARS = 1_000;

  record Document(List<Line> lines, List<String> rawLines) {}

  private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+(?=[A-Z])");
  private static final int WRAPPED_LINE_MIN = 40;
  /** Stands where a line was joined to the one above, so line numbers stay those of the text. */
  private static final String JOINED = "\u0000";
  private static final Pattern SENTENCE_OR_FIELD_END = Pattern.compile("[.:;!?]\\s*$");
  private static final Pattern ANY_DIGIT = Pattern.compile("\\d");
  private static final Pattern RANGE_LIKE =
      Pattern.compile("\\d\\s*(?:-|to)\\s*\\.?\\d|[<>≤≥]=?\\s*\\.?\\d");
  private static final Pattern CONTINUATION = Pattern.compile("^\\s*[a-z][a-z]+\\b");

  private DocumentReader() {}

  static Document read(String text) {
    List<String> raw = joinWrappedProse(joinBrokenRows(split(normalize(text))));
    List<Line> lines = new ArrayList<>();
    Section section = Section.NONE;
    LocalDate sectionDate = null;
    boolean endsAtBlank = false;
    int itemsInSection = 0;
    boolean afterBlank = false;
    for (int i = 0; i < raw.size(); i++) {
      String line = raw.get(i);
      if (line.equals(JOINED)) {
        continue;
      }
      if (line.isBlank()) {
        afterBlank = true;
        if (endsAtBlank) {
          section = Section.NONE;
          sectionDate = null;
          endsAtBlank = false;
        }
        continue;
      }
      // A field label ends a list only once the list has items: "Patient: ..." under an
      // "Allergies" title is the form's header, not the end of the allergies.
      Section listWithItems = itemsInSection > 0 ? section : Section.NONE;
      Optional<SectionHeaders.Heading> heading = SectionHeaders.detect(line)
          .or(() -> SectionHeaders.fieldAfterList(line, listWithItems));
      if (heading.isPresent()) {
        section = heading.get().section();
        sectionDate = heading.get().date();
        endsAtBlank = !heading.get().rest().isEmpty();
        itemsInSection = 0;
        if (!heading.get().rest().isEmpty()) {
          lines.add(new Line(i + 1, heading.get().rest(), section, sectionDate));
          itemsInSection++;
        }
      } else {
        if (afterBlank && itemsInSection > 0 && LIST_SECTIONS.contains(section)
            && isParagraph(line)) {
          // A letter's "Diagnoses:" list, a blank line, then "I reviewed Mrs W today...": the
          // list is over, and the paragraph is the letter's narrative.
          section = Section.NONE;
          sectionDate = null;
          itemsInSection = 0;
        }
        lines.add(new Line(i + 1, line.strip(), section, sectionDate));
        itemsInSection++;
      }
      afterBlank = false;
    }
    return new Document(List.copyOf(lines),
        raw.stream().filter(l -> !l.equals(JOINED)).toList());
  }

  private static final java.util.Set<Section> LIST_SECTIONS = java.util.EnumSet.of(
      Section.PROBLEMS, Section.PAST_HISTORY, Section.MEDICATIONS, Section.STOPPED_MEDICATIONS,
      Section.ALLERGIES, Section.IMMUNIZATIONS, Section.IMMUNIZATIONS_DUE);
  private static final Pattern LIST_ITEM_START = Pattern.compile("^\\s*(?:[-*•·>#]|\\d{1,2}[.)])");

  /** A paragraph of prose: a long line of many words in sentences, not a list item. */
  private static boolean isParagraph(String line) {
    String s = line.strip();
    return s.length() >= 60 && s.split("\\s+").length >= 10 && !LIST_ITEM_START.matcher(s).find()
        && (s.contains(". ") || s.endsWith(".")) && Character.isUpperCase(s.charAt(0));
  }

  /** One spelling for the characters that vary between PDFs, OCR engines and keyboards. */
  static String normalize(String text) {
    return text.replace("\r\n", "\n").replace('\r', '\n').replace('\f', '\n')
        .replace('\u00A0', ' ').replace("\u200B", "").replace("\t", "  ")
        .replaceAll("[\u2010\u2011\u2012\u2013\u2014\u2015\u2212]", "-")
        .replaceAll("[\u2018\u2019\u2032`´]", "'")
        .replaceAll("[\u201C\u201D\u2033]", "\"")
        .replace('\u00B7', '.');
  }

  private static List<String> split(String text) {
    List<String> out = new ArrayList<>();
    for (String line : text.split("\n", -1)) {
      String stripped = line.stripTrailing();
      if (stripped.length() <= MAX_LINE_CHARS) {
        out.add(stripped);
        continue;
      }
      for (String sentence : SENTENCE_END.split(stripped)) {
        for (int i = 0; i < sentence.length(); i += MAX_LINE_CHARS) {
          out.add(sentence.substring(i, Math.min(sentence.length(), i + MAX_LINE_CHARS)));
        }
      }
    }
    return out;
  }

  /**
   * OCR often splits a table row: the test name on one line and its value on the next, or the
   * reference range on a line of its own. Such pairs are joined, and the line count keeps the
   * first line's number.
   */
  static List<String> joinBrokenRows(List<String> lines) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int next = nextNonBlank(lines, i + 1);
      if (next > 0 && next - i <= 2
          && (isNameOnly(line) && startsWithValue(lines.get(next))
              || hasLabValue(line) && isRangeOnly(lines.get(next)))) {
        out.add(line.stripTrailing() + "  " + lines.get(next).strip());
        for (int k = i + 1; k <= next; k++) {
          out.add(JOINED);
        }
        i = next;
      } else {
        out.add(line);
      }
    }
    return out;
  }

  /**
   * Prose wrapped at a fixed width puts one sentence on several lines, and a negation on one line
   * would miss its term on the next ("No history of" / "asthma"). A long line that does not end a
   * sentence, followed by a line starting with a lower-case word, is joined to it.
   */
  static List<String> joinWrappedProse(List<String> lines) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      StringBuilder line = new StringBuilder(lines.get(i));
      int joined = 0;
      while (i + 1 < lines.size() && line.toString().strip().length() >= WRAPPED_LINE_MIN
          && !SENTENCE_OR_FIELD_END.matcher(line).find()
          && CONTINUATION.matcher(lines.get(i + 1)).lookingAt()
          && SectionHeaders.detect(lines.get(i + 1)).isEmpty()) {
        line.append(' ').append(lines.get(i + 1).strip());
        i++;
        joined++;
      }
      out.add(line.toString());
      for (int k = 0; k < joined; k++) {
        out.add(JOINED);
      }
    }
    return out;
  }

  private static int nextNonBlank(List<String> lines, int from) {
    for (int k = from; k < lines.size(); k++) {
      if (!lines.get(k).isBlank()) {
        return k;
      }
    }
    return -1;
  }

  private static boolean isNameOnly(String line) {
    String t = line.strip().replaceAll("[:.\\s]+$", "");
    if (t.isEmpty()) {
      return false;
    }
    List<TermMatch<Vocabularies.LabTest>> terms = Vocabularies.labs().find(t);
    return terms.size() == 1 && terms.getFirst().start() == 0
        && terms.getFirst().end() == t.length();
  }

  private static boolean startsWithValue(String line) {
    OcrDigits ocr = OcrDigits.of(line.strip());
    return Numbers.at(ocr, 0).isPresent()
        || LabValues.qualitativeAt(line.strip(), 0).isPresent();
  }

  /** A lab name followed by a value and no reference range. */
  private static boolean hasLabValue(String line) {
    if (!ANY_DIGIT.matcher(line).find()) {
      return false;
    }
    List<TermMatch<Vocabularies.LabTest>> terms = Vocabularies.labs().find(line);
    if (terms.isEmpty()) {
      return false;
    }
    String after = OcrDigits.of(line).text().substring(terms.getLast().end());
    return ANY_DIGIT.matcher(after).find() && !RANGE_LIKE.matcher(after).find();
  }

  private static boolean isRangeOnly(String line) {
    String t = line.strip();
    OcrDigits ocr = OcrDigits.of(t);
    Optional<ReferenceRange.Found> range = ReferenceRange.numericAt(ocr, 0);
    if (range.isEmpty()) {
      return false;
    }
    int p = Numbers.skipSpaces(t, range.get().end());
    Optional<Units.Match> unit = Units.at(t, p);
    if (unit.isPresent()) {
      p = unit.get().end();
    }
    return t.substring(p).isBlank();
  }
}
