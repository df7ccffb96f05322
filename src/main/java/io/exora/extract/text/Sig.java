package io.exora.extract.text;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parts of a medication line after the drug's name: strength ("500 mg", "250 mg/5 mL",
 * "90 mcg/actuation"), the amount given each time ("5 mL", "2 puffs", "1 tablet"), route and
 * frequency, each normalised ("PO" is oral, "BID" is twice daily, "q4-6h prn" is every 4-6 hours
 * as needed).
 */
final class Sig {

  record Strength(String text, BigDecimal amount, String unit, boolean perVolume, int start,
      int end) {}

  record Dose(BigDecimal amount, String unit) {}

  private static final String UNIT =
      "(mg|mcg|µg|μg|ug|g|gm|grams?|meq|units?|iu|international units|%|ml|cc|rng|rncg)";
  private static final Pattern STRENGTH = Pattern.compile(
      "(\\d+(?:\\.\\d+)?(?:\\s*[-/]\\s*\\d+(?:\\.\\d+)?)*)\\s*" + UNIT + "(?![\\p{L}])"
          + "(?:\\s*/\\s*(\\d+(?:\\.\\d+)?\\s*)?(ml|actuation|act|spray|puff|hr|h|dose|tablet|tab"
          + "|capsule|cap)(?![\\p{L}]))?",
      Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
  private static final Pattern FROM_TO = Pattern.compile(
      "from\\s+\\d+(?:\\.\\d+)?\\s*" + UNIT + "?\\s+to\\s+(?=\\d)", Pattern.CASE_INSENSITIVE);
  private static final Pattern BETWEEN_NAME_AND_STRENGTH = Pattern.compile(
      "(?:\\s|[,:]|\\([^()\\d]{1,30}\\)|\\b(?:er|xr|xl|sr|cr|dr|od|hcl|hfa|oral|tablets?|tabs?"
          + "|capsules?|caps?|sodium|potassium|calcium|extended release|delayed release"
          + "|immediate release|chewable|inhaler|injection|solution|suspension|cream|ointment"
          + "|gel|patch|pen|vial|nasal spray|spray|drops)\\b)*",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern DOSE = Pattern.compile(
      "(?<![\\d./])(\\d+(?:\\.\\d+)?)(\\s*(?:-|to)\\s*\\d+(?:\\.\\d+)?)?\\s*(tablets?|tabs?|capsules?"
          + "|caps?|puffs?|inhalations?|sprays?|drops?|ml|cc|units?|patch(?:es)?|applications?"
          + "|teaspoons?|tsp|tablespoons?|tbsp|suppositor(?:y|ies)|vials?|packets?|mg|mcg|g)"
          + "(?![\\p{L}/])",
      Pattern.CASE_INSENSITIVE);

  private record Rule(Pattern pattern, String value) {}

  private static final List<Rule> ROUTES = List.of(
      rule("by mouth|orally|oral|per os|p\\.o\\.|po", "oral", true),
      rule("sublingual(?:ly)?|under the tongue", "sublingual", true),
      rule("SL", "sublingual", false),
      rule("intravenous(?:ly)?|i\\.v\\.|iv(?: push| piggyback)?", "intravenous", true),
      rule("intramuscular(?:ly)?|i\\.m\\.", "intramuscular", true),
      rule("IM", "intramuscular", false),
      rule("subcutaneous(?:ly)?|subcut|sub-?q|s\\.c\\.|s\\.q\\.", "subcutaneous", true),
      rule("SC|SQ", "subcutaneous", false),
      rule("inhaled|inhalation|inhale|via inhaler|nebuli[sz]ed|via nebulizer|puffs?",
          "inhalation", true),
      rule("topical(?:ly)?|apply to affected area|to affected area|to (?:the )?skin", "topical",
          true),
      rule("per rectum|rectal(?:ly)?", "rectal", true),
      rule("PR", "rectal", false),
      rule("ophthalmic|eye drops?|in (?:each|both|the (?:left|right)) eyes?", "ophthalmic", true),
      rule("otic|in (?:each|both|the (?:left|right)) ears?", "otic", true),
      rule("intranasal(?:ly)?|nasal(?:ly)?|in each nostril|per nostril", "nasal", true),
      rule("transdermal(?:ly)?|patch", "transdermal", true),
      rule("vaginal(?:ly)?|per vagina", "vaginal", true),
      rule("tablets?|tabs?|capsules?|caps?", "oral", true));

  private static final List<Rule> FREQUENCIES = List.of(
      rule("q\\.?\\s*(\\d+)\\s*-\\s*(\\d+)\\s*h(?:rs?|ours?)?|every (\\d+)\\s*(?:-|to)\\s*(\\d+)\\s*"
          + "hours?", "every %s-%s hours", true),
      rule("q\\.?\\s*(\\d+)\\s*h(?:rs?|ours?)?|every (\\d+)\\s*hours?", "every %s hours", true),
      rule("b\\.?i\\.?d\\.?|twice (?:a |per )?day|twice daily|(?:2|two) times (?:a |per )?day"
          + "|(?:2|two) times daily", "twice daily", true),
      rule("t\\.?i\\.?d\\.?|three times (?:a |per )?day|three times daily|3 times (?:a |per )?day"
          + "|3 times daily", "three times daily", true),
      rule("q\\.?i\\.?d\\.?|four times (?:a |per )?day|four times daily|4 times (?:a |per )?day"
          + "|4 times daily", "four times daily", true),
      rule("every other day|q\\.?o\\.?d\\.?|on alternate days", "every other day", true),
      rule("twice (?:a |per )?week|(?:2|two) times (?:a |per )?week", "twice weekly", true),
      rule("once (?:a |per )?week|weekly|q\\.?\\s*week|qwk|every week", "once weekly", true),
      rule("once (?:a |per )?month|monthly|every month", "once monthly", true),
      rule("every (\\d+) (days|weeks|months)", "every %s %s", true),
      rule("once daily|once (?:a |per )?day|daily|q\\.?d\\.?|qday|every day|(?:1|one) times? "
          + "(?:a |per )?day", "once daily", true),
      rule("with (?:each )?meals?|a\\.c\\.", "with meals", true),
      rule("once|one time|x\\s?1(?!\\d)|single dose|stat", "once", true));

  private static final List<Rule> TIMES_OF_DAY = List.of(
      rule("q\\.?h\\.?s\\.?|at bedtime|nightly|every night|at night|before bed(?:time)?|h\\.?s\\.?",
          "at bedtime", true),
      rule("q\\.?a\\.?m\\.?|every morning|in the morning|each morning", "every morning", true),
      rule("q\\.?p\\.?m\\.?|every evening|in the evening|each evening", "every evening", true));

  private static final Pattern AS_NEEDED = Pattern.compile(
      "(?<![\\p{L}])(?:p\\.?r\\.?n\\.?|as needed|as necessary|when needed|if needed)(?![\\p{L}])",
      Pattern.CASE_INSENSITIVE);
  /** What a p.r.n. medicine is for: "prn nausea", "as needed for wheezing". */
  private static final Pattern INDICATION = Pattern.compile(
      "\\s+(?:for\\s+)?([a-z][a-z ]{2,40}?)(?=\\s*(?:$|[.,;)(]|\\s(?:every|up to|max|not|do"
          + "|and|for \\d)\\b))",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern DURATION = Pattern.compile(
      "(?<![\\p{L}])(?:for|x|times)\\s*(\\d+)\\s*(days?|weeks?|months?)(?![\\p{L}])",
      Pattern.CASE_INSENSITIVE);

  private Sig() {}

  private static Rule rule(String words, String value, boolean caseInsensitive) {
    int flags = caseInsensitive ? Pattern.CASE_INSENSITIVE : 0;
    return new Rule(Pattern.compile("(?<![\\p{L}\\d])(?:" + words + ")(?![\\p{L}])", flags), value);
  }

  /** The strength printed right after the name (form words or a brand in brackets may come first). */
  static Optional<Strength> strengthAfter(String text, int nameEnd, int limit) {
    Matcher between = BETWEEN_NAME_AND_STRENGTH.matcher(text).region(nameEnd, limit);
    int p = between.lookingAt() ? between.end() : nameEnd;
    // "Increase amlodipine from 5 mg to 10 mg daily": the strength now is the one after "to".
    Matcher change = FROM_TO.matcher(text).region(p, limit);
    if (change.lookingAt()) {
      p = change.end();
    }
    Matcher m = STRENGTH.matcher(text).region(p, limit);
    if (!m.lookingAt()) {
      return Optional.empty();
    }
    String amountText = m.group(1).replaceAll("\\s+", "");
    String unit = unit(m.group(2));
    String per = m.group(4) == null ? null : perUnit(m.group(4));
    String perAmount = m.group(3) == null ? "" : m.group(3).strip() + " ";
    boolean single = amountText.matches("\\d+(?:\\.\\d+)?");
    String printed = amountText + (unit.equals("%") ? "" : " ") + unit
        + (per == null ? "" : "/" + perAmount + per);
    return Optional.of(new Strength(printed, single ? new BigDecimal(amountText) : null, unit,
        per != null, m.start(), m.end()));
  }

  /**
   * The amount given each time, if the line states one apart from the strength: the first amount
   * in [from, to) outside the strength's span [skipFrom, skipTo). A range ("1-2 tablets") is a
   * dose with no single amount.
   */
  static Optional<Dose> dose(String text, int from, int to, int skipFrom, int skipTo) {
    Matcher m = DOSE.matcher(text).region(from, to);
    while (m.find()) {
      if (m.start() < skipTo && skipFrom < m.end()) {
        continue;
      }
      if (m.group(2) != null) {
        return Optional.of(new Dose(null, null));
      }
      return Optional.of(new Dose(new BigDecimal(m.group(1)), doseUnit(m.group(3))));
    }
    return Optional.empty();
  }

  /** The route named first in the line ("IV daily, then transitioned to oral" is intravenous);
   *  a tablet or capsule means oral only when no route is named. */
  static String route(String segment) {
    String route = null;
    int at = Integer.MAX_VALUE;
    for (Rule r : ROUTES.subList(0, ROUTES.size() - 1)) {
      Matcher m = r.pattern().matcher(segment);
      if (m.find() && m.start() < at) {
        at = m.start();
        route = r.value();
      }
    }
    if (route == null && ROUTES.getLast().pattern().matcher(segment).find()) {
      route = ROUTES.getLast().value();
    }
    return route;
  }

  /** "once daily at bedtime", "every 4-6 hours as needed for wheezing", "three times daily for
   *  10 days", or null when the line gives no frequency. */
  static String frequency(String segment) {
    String base = null;
    for (Rule r : FREQUENCIES) {
      Matcher m = r.pattern().matcher(segment);
      if (m.find()) {
        base = fill(r.value(), m);
        break;
      }
    }
    for (Rule r : TIMES_OF_DAY) {
      if (r.pattern().matcher(segment).find()) {
        base = base == null ? r.value() : base.equals("once daily") ? base + " " + r.value() : base;
        break;
      }
    }
    Matcher prn = AS_NEEDED.matcher(segment);
    if (prn.find()) {
      Matcher indication = INDICATION.matcher(segment).region(prn.end(), segment.length());
      String asNeeded = "as needed"
          + (indication.lookingAt() ? " for " + indication.group(1).strip() : "");
      base = base == null ? asNeeded : base + " " + asNeeded;
    }
    Matcher duration = DURATION.matcher(segment);
    if (base != null && duration.find()) {
      base = base + " for " + duration.group(1) + " " + duration.group(2).toLowerCase(Locale.ROOT);
    }
    return base;
  }

  private static String fill(String template, Matcher m) {
    if (!template.contains("%s")) {
      return template;
    }
    List<String> groups = new java.util.ArrayList<>();
    for (int g = 1; g <= m.groupCount(); g++) {
      if (m.group(g) != null) {
        groups.add(m.group(g).toLowerCase(Locale.ROOT));
      }
    }
    return String.format(Locale.ROOT, template, groups.toArray());
  }

  private static String unit(String printed) {
    String u = printed.toLowerCase(Locale.ROOT);
    return switch (u) {
      case "µg", "μg", "ug", "mcg", "rncg" -> "mcg";  // "rn" for "m": OCR's commonest slip
      case "rng" -> "mg";
      case "gm", "gram", "grams", "g" -> "g";
      case "meq" -> "mEq";
      case "unit", "units" -> "units";
      case "iu", "international units" -> "IU";
      case "ml", "cc" -> "mL";
      default -> u;
    };
  }

  private static String perUnit(String printed) {
    String u = printed.toLowerCase(Locale.ROOT);
    return switch (u) {
      case "ml" -> "mL";
      case "act" -> "actuation";
      case "h" -> "hr";
      case "tab" -> "tablet";
      case "cap" -> "capsule";
      default -> u;
    };
  }

  private static String doseUnit(String printed) {
    String u = printed.toLowerCase(Locale.ROOT);
    if (u.startsWith("tab")) {
      return "tablet";
    }
    if (u.startsWith("cap")) {
      return "capsule";
    }
    if (u.startsWith("puff")) {
      return "puff";
    }
    if (u.startsWith("inhalation")) {
      return "inhalation";
    }
    if (u.startsWith("spray")) {
      return "spray";
    }
    if (u.startsWith("drop")) {
      return "drop";
    }
    if (u.startsWith("patch")) {
      return "patch";
    }
    if (u.startsWith("application")) {
      return "application";
    }
    if (u.startsWith("suppositor")) {
      return "suppository";
    }
    if (u.startsWith("vial")) {
      return "vial";
    }
    if (u.startsWith("packet")) {
      return "packet";
    }
    if (u.startsWith("teaspoon") || u.equals("tsp")) {
      return "teaspoon";
    }
    if (u.startsWith("tablespoon") || u.equals("tbsp")) {
      return "tablespoon";
    }
    return unit(u);
  }
}
