package io.exora.extract.accuracy;

import io.exora.clinical.ClinicalEvent;
import io.exora.clinical.Extraction;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Scores one document's extraction against its labels, per event type.
 *
 * <p>An extracted event matches a label when the type agrees and
 *
 * <ul>
 *   <li>the label's code system holds one of the label's codes (LOINC for labs, RxNorm for
 *       medications, ICD-10 for conditions, CVX for immunizations; the vital type for vitals); a
 *       label without codes (allergies) is matched by normalised name instead;
 *   <li>for labs and vitals, the value agrees: numerically for numbers (vitals after converting
 *       between kg and lb, cm, m and in, Celsius and Fahrenheit), as text otherwise
 *       ("Negative", "6-10"), both pressures for a blood pressure;
 *   <li>for immunizations with a labelled date, the date agrees (each dose is its own event); an
 *       event without a date of its own has the document's, as {@code ClinicalWriter} stores it.
 * </ul>
 *
 * <p>Matching is a maximum bipartite matching per type, so an order of labels never turns a
 * match into a miss (two asthma labels, two extracted asthma codes). Unmatched labels are false
 * negatives, unmatched extractions false positives. The document date is scored as its own type.
 * Matched pairs are then compared on the label's further attributes (unit, strength, status,
 * reaction, severity, date), reported as agreement, not as part of the match.
 */
public final class AccuracyMatcher {

  public static final String DOCUMENT_DATE = "document_date";
  /** The event types in report order. */
  public static final List<String> TYPES = List.of("lab", "vital", "medication", "condition",
      "allergy", "immunization", DOCUMENT_DATE);

  private static final Pattern NUMBER = Pattern.compile("-?\\d+(?:\\.\\d+)?");
  private static final Set<String> NAME_STOP_WORDS = Set.of("and", "of", "the", "to", "with");

  /** Whether a matched pair agreed on one labelled attribute. */
  public record Attribute(String name, boolean agrees, String expected, String observed) {}

  /** One document's score: tallies per type, and what was missed or spurious, for reading. */
  public record DocumentScore(Map<String, Tally> byType, List<String> missed,
      List<String> spurious, List<Attribute> attributes) {

    public Tally total() {
      return byType.entrySet().stream().filter(e -> !e.getKey().equals(DOCUMENT_DATE))
          .map(Map.Entry::getValue).reduce(Tally.ZERO, Tally::plus);
    }
  }

  private AccuracyMatcher() {}

  public static DocumentScore score(LabelFile.Labels labels, Extraction extraction) {
    Map<String, Tally> byType = new LinkedHashMap<>();
    List<String> missed = new ArrayList<>();
    List<String> spurious = new ArrayList<>();
    List<Attribute> attributes = new ArrayList<>();
    for (String type : TYPES) {
      if (type.equals(DOCUMENT_DATE)) {
        continue;
      }
      List<Expected> expected = labels.events().stream().filter(e -> e.type().equals(type))
          .toList();
      List<Observed> observed = new ArrayList<>();
      for (ClinicalEvent event : extraction.events()) {
        Observed o = Observed.of(event, extraction.documentDate());
        if (o.type().equals(type)) {
          observed.add(o);
        }
      }
      int[] pairOf = match(expected, observed);
      boolean[] used = new boolean[observed.size()];
      int tp = 0;
      for (int i = 0; i < expected.size(); i++) {
        if (pairOf[i] < 0) {
          missed.add(expected.get(i).toString());
        } else {
          tp++;
          used[pairOf[i]] = true;
          attributes.addAll(attributes(expected.get(i), observed.get(pairOf[i])));
        }
      }
      for (int j = 0; j < observed.size(); j++) {
        if (!used[j]) {
          spurious.add(observed.get(j).toString());
        }
      }
      byType.put(type, new Tally(tp, observed.size() - tp, expected.size() - tp));
    }
    LocalDate date = extraction.documentDate();
    boolean dateRight = date != null && labels.documentDates().contains(date);
    byType.put(DOCUMENT_DATE, new Tally(dateRight ? 1 : 0, date != null && !dateRight ? 1 : 0,
        dateRight ? 0 : 1));
    if (!dateRight) {
      missed.add("document_date " + labels.documentDates());
      if (date != null) {
        spurious.add("document_date " + date);
      }
    }
    return new DocumentScore(byType, missed, spurious, attributes);
  }

  /** For each label, the index of the extracted event it is paired with, or -1. */
  static int[] match(List<Expected> expected, List<Observed> observed) {
    boolean[][] edge = new boolean[expected.size()][observed.size()];
    for (int i = 0; i < expected.size(); i++) {
      for (int j = 0; j < observed.size(); j++) {
        edge[i][j] = matches(expected.get(i), observed.get(j));
      }
    }
    int[] labelOf = new int[observed.size()];
    Arrays.fill(labelOf, -1);
    for (int i = 0; i < expected.size(); i++) {
      augment(i, edge, labelOf, new boolean[observed.size()]);
    }
    int[] pairOf = new int[expected.size()];
    Arrays.fill(pairOf, -1);
    for (int j = 0; j < observed.size(); j++) {
      if (labelOf[j] >= 0) {
        pairOf[labelOf[j]] = j;
      }
    }
    return pairOf;
  }

  /** Kuhn's augmenting path: small sets, so the simple algorithm is plenty. */
  private static boolean augment(int i, boolean[][] edge, int[] labelOf, boolean[] seen) {
    for (int j = 0; j < labelOf.length; j++) {
      if (edge[i][j] && !seen[j]) {
        seen[j] = true;
        if (labelOf[j] < 0 || augment(labelOf[j], edge, labelOf, seen)) {
          labelOf[j] = i;
          return true;
        }
      }
    }
    return false;
  }

  static boolean matches(Expected e, Observed o) {
    if (!e.type().equals(o.type())) {
      return false;
    }
    boolean identity;
    if (e.type().equals("vital")) {
      identity = e.name().equals(o.name());
    } else if (!e.codes().isEmpty()) {
      String code = o.codes().get(e.codeSystem());
      identity = code != null && e.codes().contains(Codes.normalise(e.codeSystem(), code));
    } else {
      identity = sameName(e.name(), o.name());
    }
    if (!identity) {
      return false;
    }
    if (e.type().equals("lab") || e.type().equals("vital")) {
      if (!sameValue(e, o)) {
        return false;
      }
    }
    return e.date() == null || (o.date() != null && o.date().toString().equals(e.date()));
  }

  /**
   * Names agree when every word of the shorter is a word of the longer, after lower-casing,
   * dropping punctuation and plural s: "Peanuts" is "peanut", "Cat dander" covers "cat".
   */
  static boolean sameName(String a, String b) {
    Set<String> x = words(a);
    Set<String> y = words(b);
    if (x.isEmpty() || y.isEmpty()) {
      return false;
    }
    return x.size() <= y.size() ? y.containsAll(x) : x.containsAll(y);
  }

  private static Set<String> words(String s) {
    Set<String> words = new LinkedHashSet<>();
    if (s == null) {
      return words;
    }
    for (String w : s.toLowerCase(Locale.ROOT).split("[^a-z0-9]+")) {
      if (w.isEmpty() || NAME_STOP_WORDS.contains(w)) {
        continue;
      }
      words.add(singular(w));
    }
    return words;
  }

  private static String singular(String w) {
    if (w.length() > 4 && w.endsWith("ies")) {
      return w.substring(0, w.length() - 3) + "y";
    }
    return w.length() > 3 && w.endsWith("s") && !w.endsWith("ss") ? w.substring(0, w.length() - 1)
        : w;
  }

  static boolean sameValue(Expected e, Observed o) {
    String value = e.value().strip();
    if (e.type().equals("vital") && e.name().equals("blood_pressure")) {
      String[] parts = value.split("/");
      return o.numeric() != null && o.secondary() != null
          && new BigDecimal(parts[0].strip()).compareTo(o.numeric()) == 0
          && new BigDecimal(parts[1].strip()).compareTo(o.secondary()) == 0;
    }
    if (NUMBER.matcher(value).matches()) {
      if (o.numeric() == null) {
        return false;
      }
      BigDecimal want = new BigDecimal(value);
      if (e.type().equals("vital")) {
        Double got = convert(o.numeric().doubleValue(), o.unit(), e.attributes().get("unit"));
        return got != null && Math.abs(got - want.doubleValue())
            <= Math.max(0.05, 0.005 * Math.abs(want.doubleValue()));
      }
      return want.compareTo(o.numeric()) == 0;
    }
    return o.text() != null && squash(o.text()).equals(squash(value));
  }

  /** The value in the label's unit; null when the units are not convertible. */
  private static Double convert(double v, String from, String to) {
    String f = unitKey(from);
    String t = unitKey(to);
    if (f.equals(t) || f.isEmpty() || t.isEmpty()) {
      return v;
    }
    Map<String, Double> toBase = Map.of("kg", 1.0, "lb", 0.45359237, "g", 0.001,
        "cm", 1.0, "m", 100.0, "in", 2.54);
    if (f.equals("c") && t.equals("f")) {
      return v * 9 / 5 + 32;
    }
    if (f.equals("f") && t.equals("c")) {
      return (v - 32) * 5 / 9;
    }
    Double a = toBase.get(f);
    Double b = toBase.get(t);
    boolean sameDimension = a != null && b != null
        && Set.of("kg", "lb", "g").contains(f) == Set.of("kg", "lb", "g").contains(t);
    return sameDimension ? v * a / b : null;
  }

  private static String unitKey(String unit) {
    if (unit == null) {
      return "";
    }
    return switch (unit.strip().toLowerCase(Locale.ROOT)) {
      case "kg" -> "kg";
      case "[lb_av]", "lb", "lbs" -> "lb";
      case "g" -> "g";
      case "cm" -> "cm";
      case "m" -> "m";
      case "[in_i]", "in" -> "in";
      case "cel", "c", "°c" -> "c";
      case "[degf]", "f", "°f" -> "f";
      default -> unit.strip().toLowerCase(Locale.ROOT);
    };
  }

  private static List<Attribute> attributes(Expected e, Observed o) {
    List<Attribute> out = new ArrayList<>();
    for (Map.Entry<String, String> a : new TreeMap<>(e.attributes()).entrySet()) {
      String want = a.getValue();
      String got = a.getKey().equals("date")
          ? (o.date() == null ? null : o.date().toString()) : o.attributes().get(a.getKey());
      boolean agrees = got != null && switch (a.getKey()) {
        case "unit" -> unitKey(canonicalUnit(want)).equals(unitKey(canonicalUnit(got)));
        case "reaction" -> sameName(want, got);
        case "strength" -> squash(want).equals(squash(got));
        default -> want.equalsIgnoreCase(got.strip());
      };
      out.add(new Attribute(e.type() + "." + a.getKey(), agrees, want, got));
    }
    return out;
  }

  /** Units in one spelling for comparison: "x10E3/uL" and "10^3/uL" are UCUM's "10*3/uL". */
  static String canonicalUnit(String unit) {
    String u = unit.strip().replace(" ", "").replace("µ", "u").replace("μ", "u");
    u = u.replaceAll("(?i)^x?10[eE^*](\\d+)", "10*$1");
    u = u.replaceAll("(?i)\\{?1\\.73_?m2\\}?", "1.73m2");
    u = u.replaceAll("(?i)^iu/", "U/").replaceAll("(?i)^\\[iu\\]/", "U/");
    u = u.replaceAll("(?i)^/\\[?hpf\\]?$", "/hpf");
    u = u.replaceAll("(?i)^u\\[iu\\]/", "uiu/").replaceAll("(?i)^m\\[iu\\]/", "miu/");
    u = u.replace("mm/hr", "mm/h").replace("sec", "s");
    return u.toLowerCase(Locale.ROOT);
  }

  private static String squash(String s) {
    return s.toLowerCase(Locale.ROOT).replaceAll("\\s+", "");
  }
}
