package io.exora.extract.text;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds vocabulary terms in a line: whole words only, case-insensitive, the longest term winning
 * where terms overlap ("Hemoglobin A1c" over "Hemoglobin").
 *
 * <p>Scanned reports misread letters, so a synonym of five or more characters also matches with
 * the usual OCR look-alikes (l/1/I/|, i/1/l, o/0, s/5, m/rn) and with any spacing; such a match is
 * flagged so that its event is reviewed. A synonym written "=K" matches exactly, case included:
 * short abbreviations ("K", "Na", "PT", "HTN") would otherwise hit ordinary words.
 */
final class TermIndex<T> {

  private static final int OCR_TOLERANT_MIN_LENGTH = 5;

  private record Term<T>(String synonym, String normalized, String skeleton, Pattern pattern,
      List<T> entries) {}

  private final List<Term<T>> terms;

  private TermIndex(List<Term<T>> terms) {
    this.terms = terms;
  }

  static <T> Builder<T> builder() {
    return new Builder<>();
  }

  /** Non-overlapping matches, left to right; at one place the longest match wins. */
  List<TermMatch<T>> find(String text) {
    List<TermMatch<T>> all = new ArrayList<>();
    String lineSkeleton = skeleton(text);
    for (Term<T> term : terms) {
      if (!lineSkeleton.contains(term.skeleton())) {
        continue;
      }
      Matcher m = term.pattern().matcher(text);
      while (m.find()) {
        String found = m.group();
        boolean ocr = !normalize(found).equals(term.normalized());
        all.add(new TermMatch<>(term.entries(), m.start(), m.end(), found, ocr));
      }
    }
    all.sort(Comparator.<TermMatch<T>>comparingInt(TermMatch::start)
        .thenComparing(Comparator.<TermMatch<T>>comparingInt(t -> t.end() - t.start()).reversed())
        .thenComparing(TermMatch::ocrCorrected));
    List<TermMatch<T>> chosen = new ArrayList<>();
    int coveredTo = -1;
    for (TermMatch<T> match : all) {
      if (match.start() >= coveredTo) {
        chosen.add(match);
        coveredTo = match.end();
      }
    }
    return chosen;
  }

  /** True when the text holds any term of this index. */
  boolean containsTerm(String text) {
    String lineSkeleton = skeleton(text);
    for (Term<T> term : terms) {
      if (lineSkeleton.contains(term.skeleton()) && term.pattern().matcher(text).find()) {
        return true;
      }
    }
    return false;
  }

  /**
   * A cheap necessary condition for a match: a term can only match where the line's skeleton
   * contains the term's. The skeleton folds case, drops the separators a pattern lets vary, and
   * maps each OCR look-alike group to one letter (1, i, |, ! to l; 0 to o; 5 to s; m to rn), so it
   * never rules out a match the pattern would find; it spares running hundreds of patterns on
   * every line.
   */
  static String skeleton(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = Character.toLowerCase(s.charAt(i));
      switch (c) {
        case ' ', '\t', '-', '.', ',' -> { }
        case '1', 'i', '|', '!' -> out.append('l');
        case '0' -> out.append('o');
        case '5' -> out.append('s');
        case 'm' -> out.append("rn");
        default -> {
          if (!Character.isWhitespace(c)) {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  static String normalize(String s) {
    return s.toLowerCase(Locale.ROOT).replaceAll("[\\s.\\-]+", "");
  }

  static final class Builder<T> {
    private final Map<String, Term<T>> bySynonym = new LinkedHashMap<>();

    /** Adds a synonym for an entry; a synonym shared by entries keeps them in order. */
    Builder<T> add(String synonym, T entry) {
      String key = synonym.startsWith("=") ? synonym : synonym.toLowerCase(Locale.ROOT);
      Term<T> term = bySynonym.computeIfAbsent(key, k -> new Term<>(synonym,
          normalize(stripExact(synonym)), skeleton(stripExact(synonym)), compile(synonym),
          new ArrayList<>()));
      if (!term.entries().contains(entry)) {
        term.entries().add(entry);
      }
      return this;
    }

    TermIndex<T> build() {
      return new TermIndex<>(List.copyOf(bySynonym.values()));
    }
  }

  private static String stripExact(String synonym) {
    return synonym.startsWith("=") ? synonym.substring(1) : synonym;
  }

  static Pattern compile(String synonym) {
    boolean exact = synonym.startsWith("=");
    String s = stripExact(synonym);
    boolean tolerant =
        !exact && s.replaceAll("[^\\p{L}\\p{N}]", "").length() >= OCR_TOLERANT_MIN_LENGTH;
    StringBuilder re = new StringBuilder("(?<![\\p{L}\\p{N}])");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      char lower = Character.toLowerCase(c);
      if (Character.isWhitespace(c)) {
        re.append("\\s+");
      } else if (c == '-') {
        re.append("[\\s-]?");
      } else if (c == '.') {
        re.append("\\.?");
      } else if (c == ',') {
        re.append(",?");
      } else if (c == '/') {
        re.append("\\s*/\\s*");
      } else if (tolerant && (lower == 'l' || lower == 'i' || c == '1')) {
        re.append("[li1|!]");
      } else if (tolerant && (lower == 'o' || c == '0')) {
        re.append("[o0]");
      } else if (tolerant && lower == 's') {
        re.append("[s5]");
      } else if (tolerant && lower == 'm') {
        re.append("(?:m|rn)");
      } else if (Character.isLetterOrDigit(c)) {
        re.append(c);
      } else {
        re.append(Pattern.quote(String.valueOf(c)));
      }
      if (tolerant && Character.isLetterOrDigit(c) && i + 1 < s.length()
          && Character.isLetterOrDigit(s.charAt(i + 1))) {
        // OCR splits words ("Hemo globin"); a single stray space inside a long term is allowed.
        re.append(" ?");
      }
    }
    re.append("(?![\\p{L}\\p{N}])");
    int flags = exact ? 0 : Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
    return Pattern.compile(re.toString(), flags);
  }
}
