package io.exora.extract.text;

import io.exora.clinical.Allergy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads allergies: "Allergies: Penicillin (hives), peanuts - anaphylaxis, sulfa: rash (mild)",
 * "allergic to amoxicillin (rash)", "latex allergy". "NKDA", "NKA" and "no known allergies" yield
 * no event: the model has no "no allergy" fact, and an empty list is what they mean.
 *
 * <p>The allergen is a known allergen or drug; in an allergy section an unknown short name is kept
 * too, without a type and for review. The reaction is the bracketed or dashed text after it, or a
 * known reaction word; the severity is the word the note uses, and anaphylaxis is life-threatening.
 */
final class AllergyReader implements LineReader {

  private static final Pattern NONE_KNOWN = Pattern.compile(
      "\\b(?:nkda|nka|nkfa|no known (?:drug |food |medication |environmental )?allergies"
          + "|no known (?:drug )?allergy|no (?:drug )?allergies|none known|no known allergens)\\b"
          + "|^\\s*(?:none|n/a|nil)\\s*\\.?\\s*$",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern CUE = Pattern.compile(
      "\\b(?:allergic to|allergy to|allergies to|allergies include|allergic reactions? to"
          + "|intolerant of|intolerance to|anaphylaxis to|reaction to)\\s+",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern TRAILING_CUE = Pattern.compile(
      "^[\\s-]*(?:allergy|allergies|allergic reaction|intolerance)\\b", Pattern.CASE_INSENSITIVE);
  private static final Pattern REACTION_DELIMITER = Pattern.compile(
      "\\s*(?:\\(|\\s-+\\s*|-+>|=>|:|causes|caused|reaction:?|with)\\s*", Pattern.CASE_INSENSITIVE);
  private static final Pattern REACTION = Pattern.compile(
      "\\b(?:hives|urticaria|rash|itching|itchy|pruritus|anaphylaxis|anaphylactic(?: shock"
          + "| reaction)?|angioedema|(?:facial |lip |tongue |throat )?swelling|shortness of breath"
          + "|wheezing|difficulty breathing|trouble breathing|nausea|vomiting|diarrhea|gi upset"
          + "|upset stomach|stomach upset|abdominal pain|cough|dizziness|headache|hypotension"
          + "|stevens[- ]johnson syndrome|sjs|myalgias?|muscle (?:pain|aches)|flushing"
          + "|palpitations|blisters|throat tightness|eczema|sneezing|watery eyes|congestion"
          + "|confusion|hallucinations|tachycardia|dermatitis|welts|redness|hematuria|fever"
          + "|diarrhoea|bronchospasm|blistering|itchy eyes|red man syndrome|red person syndrome"
          + "|drowsiness|sedation|rigors|chills|arthralgias?|joint pain|hair loss|cough"
          + "|edema|oedema|mouth ulcers|photosensitivity|nephritis|hepatitis|neutropenia"
          + "|thrombocytopenia|serum sickness|constipation|insomnia|agitation|seizures?)\\b",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern SEVERITY = Pattern.compile(
      "\\b(mild|moderate|severe|serious|life[- ]threatening)\\b", Pattern.CASE_INSENSITIVE);
  private static final Pattern UNKNOWN_NAME = Pattern.compile(
      "^[A-Za-z][A-Za-z'-]*(?:\\s+[A-Za-z][A-Za-z'-]*){0,3}$");
  private static final Pattern NOT_AN_ALLERGEN = Pattern.compile(
      "(?i)\\b(?:none|unknown|see|reviewed|list|noted|patient|denies|no|not|nil|n/a|other"
          + "|updated|verified|allerg\\w*|reaction|and|the)\\b");

  /** A strength right after a drug's name: what a prescription has and an allergy does not. */
  private static final Pattern STRENGTH_AFTER = Pattern.compile(
      "\\s*(?:\\(\\w+\\)\\s*)?\\d+(?:\\.\\d+)?\\s*(?:mg|mcg|µg|g|ml|units?|iu)\\b",
      Pattern.CASE_INSENSITIVE);

  private static final Pattern COLUMN_GAP = Pattern.compile("\\s{2,}|\\t");

  private record Item(String text, int start, int end) {}

  @Override
  public List<Found> read(Line line, DocumentDates dates) {
    String text = line.text();
    List<Found> found = new ArrayList<>();
    if (line.section() == Section.ALLERGIES) {
      for (Item item : items(text, 0, text.length())) {
        parse(line, item, true).ifPresent(found::add);
      }
      return found;
    }
    if (!line.section().isProse() && line.section() != Section.PROBLEMS
        && line.section() != Section.PAST_HISTORY) {
      return found;
    }
    Matcher cue = CUE.matcher(text);
    while (cue.find()) {
      if (Context.negated(text, cue.start(), cue.end())) {
        continue;
      }
      int end = clauseEnd(text, cue.end());
      for (Item item : items(text, cue.end(), end)) {
        parse(line, item, false).ifPresent(found::add);
      }
    }
    for (TermMatch<?> m : allergenMatches(text)) {
      if (TRAILING_CUE.matcher(text.substring(m.end())).lookingAt()
          && found.stream().noneMatch(f -> f.start() <= m.start() && m.start() < f.end())
          && !Context.negated(text, m.start(), m.end())) {
        int end = clauseEnd(text, m.end());
        parse(line, new Item(text.substring(m.start(), end), m.start(), end), false)
            .ifPresent(found::add);
      }
    }
    return found;
  }

  private static int clauseEnd(String text, int from) {
    Matcher m = Pattern.compile("[.;](?!\\d)|\\b(?:but|however|and (?:was|is|has|had))\\b")
        .matcher(text);
    return m.find(from) ? m.start() : text.length();
  }

  /** Splits at commas, semicolons and "and", but not inside brackets: "PCN (hives, rash)". */
  private static List<Item> items(String text, int from, int to) {
    List<Item> items = new ArrayList<>();
    int depth = 0;
    int start = from;
    for (int i = from; i <= to; i++) {
      char c = i < to ? text.charAt(i) : ',';
      if (c == '(' || c == '[') {
        depth++;
      } else if (c == ')' || c == ']') {
        depth = Math.max(0, depth - 1);
      }
      boolean and = depth == 0 && i < to && text.regionMatches(true, i, " and ", 0, 5);
      if (depth == 0 && (c == ',' || c == ';' || and) || i == to) {
        addItem(items, text, start, i);
        start = and ? i + 5 : i + 1;
        if (and) {
          i += 4;
        }
      }
    }
    return items;
  }

  /** A piece that is only a reaction ("Penicillin - hives, rash") belongs to the item before. */
  private static void addItem(List<Item> items, String text, int start, int end) {
    String piece = text.substring(start, Math.min(end, text.length()));
    if (piece.isBlank()) {
      return;
    }
    String stripped = REACTION.matcher(SEVERITY.matcher(piece).replaceAll(""))
        .replaceAll("").replaceAll("[\\s()\\[\\],.-]", "");
    if (!items.isEmpty() && stripped.isEmpty() && allergenMatches(piece).isEmpty()) {
      Item last = items.removeLast();
      items.add(new Item(text.substring(last.start(), end), last.start(), end));
      return;
    }
    int lead = 0;
    while (lead < piece.length() && " -*•·\t".indexOf(piece.charAt(lead)) >= 0) {
      lead++;
    }
    items.add(new Item(piece.substring(lead).strip(), start + lead, end));
  }

  private Optional<Found> parse(Line line, Item item, boolean allergySection) {
    String text = item.text();
    if (text.isBlank() || NONE_KNOWN.matcher(text).find()
        && NONE_KNOWN.matcher(text).replaceAll("").replaceAll("[\\s,;.:-]", "").isEmpty()) {
      return Optional.empty();
    }
    List<TermMatch<?>> matches = allergenMatches(text);
    if (!matches.isEmpty() && matches.getFirst().first() instanceof Vocabularies.Drug
        && STRENGTH_AFTER.matcher(text).region(matches.getFirst().end(), text.length())
            .lookingAt()) {
      return Optional.empty();  // "EpiPen 0.3 mg prescribed" under Allergies: a prescription
    }
    String name;
    String type = null;
    String snomed = null;
    int nameEnd;
    boolean ocr = false;
    if (!matches.isEmpty()) {
      TermMatch<?> m = matches.getFirst();
      if (m.first() instanceof Vocabularies.Allergen a) {
        name = a.name();
        type = a.type();
        snomed = a.snomed();
      } else {
        name = ((Vocabularies.Drug) m.first()).name();
        type = "medication";
      }
      nameEnd = m.end();
      ocr = m.ocrCorrected();
    } else {
      if (!allergySection) {
        return Optional.empty();
      }
      Matcher delimiter = REACTION_DELIMITER.matcher(text);
      nameEnd = delimiter.find() ? delimiter.start() : text.length();
      // A table row ("Cefaclor      Drug      Urticaria      Moderate"): the name is the first column.
      Matcher column = COLUMN_GAP.matcher(text);
      if (column.find() && column.start() > 0 && column.start() < nameEnd) {
        nameEnd = column.start();
      }
      name = text.substring(0, nameEnd).strip();
      if (!UNKNOWN_NAME.matcher(name).matches() || NOT_AN_ALLERGEN.matcher(name).find()
          || REACTION.matcher(name).find()) {
        return Optional.empty();
      }
    }
    String reaction = reaction(text.substring(nameEnd));
    String severity = severity(text);
    Score score = new Score(0.95)
        .minusIf(type == null, Score.UNCODED)
        .minusIf(!allergySection, Score.OUTSIDE_SECTION)
        .ocr(ocr);
    return Optional.of(new Found(new Allergy(name, type, reaction, severity, snomed,
        DocumentDates.eventDate(line, item.start()), score.evidence(line.text())),
        item.start(), item.end()));
  }

  private static List<TermMatch<?>> allergenMatches(String text) {
    List<TermMatch<?>> all = new ArrayList<>(Vocabularies.allergens().find(text));
    for (TermMatch<Vocabularies.Drug> d : Vocabularies.drugs().find(text)) {
      if (all.stream().noneMatch(a -> a.start() < d.end() && d.start() < a.end())) {
        all.add(d);
      }
    }
    all.sort((a, b) -> Integer.compare(a.start(), b.start()));
    return all;
  }

  /** The reaction as written, lower case, without its severity: "hives", "facial swelling". */
  private static String reaction(String afterName) {
    Matcher delimiter = REACTION_DELIMITER.matcher(afterName);
    String candidate = null;
    if (delimiter.lookingAt()) {
      candidate = afterName.substring(delimiter.end());
    } else {
      Matcher word = REACTION.matcher(afterName);
      if (word.find()) {
        candidate = afterName.substring(word.start());
      }
    }
    if (candidate == null) {
      return null;
    }
    String cleaned = SEVERITY.matcher(candidate).replaceAll(" ")
        .replaceAll("[()\\[\\]]", " ").replaceAll("\\s*,\\s*", ", ")
        .replaceAll("\\s+", " ").replaceAll("^[\\s,;:.-]+|[\\s,;:.-]+$", "");
    return cleaned.isEmpty() ? null : cleaned.toLowerCase(Locale.ROOT);
  }

  private static String severity(String text) {
    Matcher m = SEVERITY.matcher(text);
    if (m.find()) {
      String word = m.group(1).toLowerCase(Locale.ROOT);
      return switch (word) {
        case "serious" -> "severe";
        case "life threatening", "life-threatening" -> "life_threatening";
        default -> word;
      };
    }
    return text.toLowerCase(Locale.ROOT).contains("anaphyla") ? "life_threatening" : null;
  }
}
