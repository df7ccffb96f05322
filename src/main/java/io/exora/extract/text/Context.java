package io.exora.extract.text;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a term in a sentence is asserted about the patient, in the manner of NegEx and ConText:
 * a trigger before the term ("denies", "no history of", "negative for") or just after it ("ruled
 * out", "unlikely") negates it; "rule out", "possible", "if", "risk of", "screening for" make it
 * hypothetical or uncertain; "mother with", "father had", "family history of" make it someone
 * else's. A trigger reaches to the end of its clause: a full stop, a semicolon, or a word like
 * "but", "however", "although" ends it, a comma does not ("denies fever, cough or chest pain").
 */
final class Context {

  private static final Pattern CLAUSE_END = Pattern.compile(
      "(?:[.;!?](?!\\d)|\\b(?:but|however|although|though|except|aside from|apart from|which|who"
          + "|presents?|presented|secondary to|due to|now|currently)\\b)",
      Pattern.CASE_INSENSITIVE);
  /** Phrases that look like negation but are not ("no increase in", "not only"). */
  private static final Pattern PSEUDO = Pattern.compile(
      "\\b(?:no (?:increase|change|further|significant change|new|longer)|not only|not necessarily"
          + "|without (?:difficulty|complication)|not ruled out|no acute distress|gram[- ]negative"
          + "|negative for \\w+ (?:and|but) positive)\\b",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern NEGATION_BEFORE = Pattern.compile(
      "\\b(?:no|not|denies|denied|deny|denying|negative for|without|w/o|free of|absence of|absent"
          + "|never had|never|no history of|no hx of|no h/o|no evidence of|no signs? of"
          + "|no symptoms of|ruled out|rules out|r/o|doesn't have|does not have|did not have"
          + "|not have|no known|no personal history of|resolved without)\\b",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern NEGATION_AFTER = Pattern.compile(
      "^\\W*(?:(?:was|is|has been|were|are|been)\\s+)?(?:ruled out|excluded|unlikely|negative"
          + "|not (?:present|seen|found|detected|confirmed)|absent|denied)\\b",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern UNCERTAIN_BEFORE = Pattern.compile(
      "\\b(?:rule out|r/o|possible|possibly|probable|probably|suspected|suspect|suspicion of"
          + "|likely|questionable|cannot exclude|can't exclude|concern for|concerning for"
          + "|worrisome for|versus|vs\\.?|differential|differential diagnosis|if|should|return"
          + "|watch for|monitor for|signs of|symptoms of|risk of|risk for|at risk|screening for"
          + "|screen for|screened for|evaluate for|evaluation for|assess for|test for|tested for"
          + "|prevent|prevention of|prophylaxis|education|educated on|counseled on|counseling"
          + "|in case of|unless|history of exposure to|exposure to|exposed to|vaccine for"
          + "|vaccinated against)\\b|\\?",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern UNCERTAIN_AFTER = Pattern.compile(
      "^\\W*(?:\\?|vs\\.?\\b|versus\\b"
          + "|(?:is |was )?(?:suspected|possible|questionable|likely)\\W*$"
          + "|(?:vaccine|vaccination|vaccinations|shot|shots|immunization|screening|screen|test"
          + "|testing|panel|antibody|antibodies|antigen|pcr|swab|prophylaxis|education|precautions"
          + "|risk|medications?|meds|clinic|specialist|work-?up|protocol|diet)\\b)",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern FAMILY = Pattern.compile(
      "\\b(?:family history|family hx|fhx|fh|mother|father|mom|dad|parents?|sister|brother"
          + "|siblings?|grandmother|grandfather|grandparents?|aunt|uncle|cousin|son|daughter"
          + "|maternal|paternal|relatives?)\\b(?:'s)?(?:\\s+(?:also|both|all))?"
          + "(?:\\s*[:(-]|\\s+(?:with|has|had|have|having|died of|died from|passed away from"
          + "|diagnosed with|history of|hx of|of|positive for|significant for|suffers from))",
      Pattern.CASE_INSENSITIVE);

  private Context() {}

  /** True unless the term at [start, end) is negated, uncertain or about a relative. */
  static boolean asserted(String text, int start, int end) {
    return !negated(text, start, end) && !uncertain(text, start, end) && !family(text, start);
  }

  static boolean negated(String text, int start, int end) {
    String before = clauseBefore(text, start);
    if (NEGATION_BEFORE.matcher(PSEUDO.matcher(before).replaceAll(" ")).find()) {
      return true;
    }
    return NEGATION_AFTER.matcher(clauseAfter(text, end)).find();
  }

  static boolean uncertain(String text, int start, int end) {
    return text.substring(end).stripLeading().startsWith("?")
        || UNCERTAIN_BEFORE.matcher(clauseBefore(text, start)).find()
        || UNCERTAIN_AFTER.matcher(clauseAfter(text, end)).find();
  }

  static boolean family(String text, int start) {
    return FAMILY.matcher(clauseBefore(text, start)).find();
  }

  /** The clause's words before a position, back to the last clause end. */
  static String clauseBefore(String text, int start) {
    String before = text.substring(0, start);
    Matcher m = CLAUSE_END.matcher(before);
    int from = 0;
    while (m.find()) {
      from = m.end();
    }
    return before.substring(from);
  }

  /** Where the clause holding {@code position} ends. */
  static int clauseEnd(String text, int position) {
    Matcher m = CLAUSE_END.matcher(text);
    return m.find(position) ? m.start() : text.length();
  }

  private static String clauseAfter(String text, int end) {
    String after = text.substring(end);
    Matcher m = CLAUSE_END.matcher(after);
    return m.find() ? after.substring(0, m.start()) : after;
  }
}
