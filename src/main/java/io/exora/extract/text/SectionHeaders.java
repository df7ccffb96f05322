package io.exora.extract.text;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises section headings: "Discharge Medications:", "ALLERGIES: NKDA", "Labs (03/12/2026):",
 * "Assessment and Plan", "• Immunizations given today:". A heading is a known name that is the
 * whole line or the whole text before its first colon (the section's first content may follow the
 * colon); "Medications were reviewed" is prose, not a heading.
 *
 * <p>An unknown colon-terminated line ("Code Status:") or an all-capitals line of two or more words
 * that names no clinical term ("PATIENT INFORMATION") opens an {@link Section#OTHER} section, so
 * that an allergy list does not run on into whatever follows it.
 */
final class SectionHeaders {

  /** A heading found on a line. */
  record Heading(Section section, String rest, LocalDate date) {}

  private record Known(Pattern name, Section section) {}

  private static final List<Known> KNOWN = new ArrayList<>();

  static {
    // Order matters where names overlap: the more specific heading is listed first.
    known(Section.IMMUNIZATIONS_DUE, "(?:immunizations?|vaccines?|vaccinations?|shots)"
        + " (?:due|recommended|needed|declined|deferred|refused|to be given|at next visit)"
        + "(?: at next visit| next visit| today)?|due (?:immunizations|vaccines)"
        + "|next (?:immunizations|vaccines)|catch-up (?:vaccines|immunizations)");
    known(Section.IMMUNIZATIONS, "immunizations?(?: given| administered| today| record| history"
        + "| given today| administered today)?|vaccin(?:es|ations?)(?: given| administered| today"
        + "| record| history| given today| administered today)?|shots given(?: today)?");
    known(Section.STOPPED_MEDICATIONS, "(?:discontinued|stopped|held) medications"
        + "|medications (?:discontinued|stopped|to stop|held)|stop taking these medications"
        + "|stop taking|discontinue these medications|stop these medications");
    known(Section.MEDICATIONS, "(?:current |home |active |outpatient |discharge |new |admission "
        + "|continued |chronic )?(?:medications?|meds|medication list|prescriptions|rx)"
        + "(?: on discharge| at discharge| at home| to continue| to take| to start| on admission)?"
        + "|medication reconciliation|continue (?:taking )?these medications"
        + "|start taking these medications|new prescriptions|prescriptions? given");
    known(Section.ALLERGIES, "allerg(?:y|ies)(?: list)?(?: ?(?:and|/|&) ?(?:intolerances"
        + "|adverse reactions|sensitivities))?|drug allergies|medication allergies"
        + "|known allergies|adverse reactions|intolerances");
    known(Section.URINALYSIS, "urinalysis(?:,? (?:complete|routine|with microscopy|macroscopic"
        + "|microscopic|dipstick))?|urine ?analysis|ua|routine urinalysis|urine (?:dipstick"
        + "|microscopy|microscopic)|microscopic(?: exam(?:ination)?)?|dipstick|ua with micro"
        + "|urine microscopy");
    known(Section.LABS, "(?:laboratory|lab)(?: results?| data| values| tests?| studies| findings"
        + "| report| work)?|labs|results|test results|pertinent (?:labs|results)"
        + "|diagnostic (?:results|data|studies)|chemistry|chemistries|hematology|haematology"
        + "|complete blood count(?: with (?:auto(?:mated)? )?diff(?:erential)?)?(?: \\(cbc\\))?"
        + "|cbc(?: with (?:auto(?:mated)? )?diff(?:erential)?| w/ ?diff| and diff)?"
        + "|(?:comprehensive|basic) metabolic panel(?: \\([cb]mp\\))?|cmp|bmp"
        + "|lipid (?:panel|profile)(?: \\(fasting\\)|, fasting)?|(?:hepatic|liver) (?:function"
        + " )?(?:panel|tests)|lfts?|renal (?:function )?panel|thyroid (?:panel|function"
        + "(?: tests)?|studies|profile)|iron (?:studies|panel|profile)|anemia panel"
        + "|coagulation(?: studies| panel)?|coags|inflammatory markers|cardiac (?:markers"
        + "|enzymes)|electrolytes|endocrinology|serology|immunology|tumou?r markers|vitamins"
        + "|diabetes (?:panel|monitoring)|special chemistry|blood chemistry|general chemistry"
        + "|blood count|differential"
        // "Pre-op bloods", "Post-operative labs (11/05/2025)", "Monitoring bloods", "Prenatal labs"
        + "|(?:[\\w-]+ ){0,2}(?:labs|bloods|blood tests|blood results|laboratory (?:results|tests"
        + "|data))");
    known(Section.VITALS, "(?:vitals?|vital signs|vs)(?: (?:at|on) (?:admission|discharge"
        + "|presentation))?|growth(?: parameters| measurements| chart)?|measurements"
        + "|anthropometrics|biometrics|triage vitals|(?:admission|discharge) vital signs"
        + "|(?:admission|discharge) vitals"
        // "Most recent vitals (06:15)", "Observations" (British notes' word for vital signs)
        + "|(?:[\\w-]+ ){1,2}vitals|observations|obs");
    known(Section.FAMILY_HISTORY, "family (?:medical )?history|family hx|fhx|fh");
    known(Section.SOCIAL_HISTORY, "social history|social hx|shx|sh|substance use|tobacco use"
        + "|habits|lifestyle");
    known(Section.REVIEW_OF_SYSTEMS, "review of systems|ros|systems review");
    known(Section.PHYSICAL_EXAM, "physical exam(?:ination)?|exam(?:ination)?|pe|objective"
        + "|general exam|examination findings");
    known(Section.PAST_HISTORY, "past medical history|pmh|pmhx|medical history|past history"
        + "|past (?:surgical|medical and surgical) history|psh|surgical history|history"
        + "|hx|previous medical history|medical problems \\(past\\)");
    known(Section.PROBLEMS, "problem list|problems|active problems|chronic problems"
        + "|active medical problems|(?:(?:principal|primary|secondary|discharge|admission"
        + "|admitting|final|working|other|additional) )?diagnos(?:is|es)"
        + "(?: on discharge| at discharge)?|dx|assessment(?: (?:and|&) plan| ?/ ?plan)?|a/p|a&p"
        + "|impression(?: (?:and|&) plan)?|clinical impression");
    known(Section.NARRATIVE, "history of present illness|hpi|chief complaints?|cc"
        + "|reason for (?:visit|admission|referral|consultation|hospitali[sz]ation)"
        + "|(?:brief )?hospital course|clinical course|course in hospital|subjective"
        + "|interval history|presenting complaint|summary|clinical summary|clinical notes?"
        + "|notes|comments?|narrative");
    known(Section.PLAN, "plan|follow[- ]?up(?: appointments?| instructions| care)?"
        + "|instructions|discharge instructions|patient instructions|disposition"
        + "|recommendations|return precautions|anticipatory guidance|education|counseling"
        + "|orders|referrals?|next steps|condition (?:at|on) discharge|discharge condition");
  }

  private static final Pattern BULLET = Pattern.compile("^\\s*(?:[#*>•·\\-]+\\s*"
      + "|\\d{1,2}[.)]\\s+|[IVX]{1,4}[.)]\\s+)?");
  private static final Pattern UNKNOWN_COLON = Pattern.compile(
      "^\\s*[A-Za-z][A-Za-z /&'()-]{1,40}:\\s*$");
  private static final Pattern ALL_CAPS = Pattern.compile(
      "^\\s*[A-Z][A-Z&/'-]*(?:\\s+[A-Z&/'-]+){1,5}\\s*:?\\s*$");
  private static final Pattern COLUMN_WORDS = Pattern.compile(
      "\\b(?:test|tests|result|results|flag|units?|reference|range|ref|value|component"
          + "|analyte|normal|interval)\\b", Pattern.CASE_INSENSITIVE);

  /**
   * A vaccine table's column header ("Vaccine  Date Given  Dose  Lot Number"): the rows below are
   * vaccinations given, as under an "Immunizations" heading, though the page's title named no
   * section ("OFFICIAL IMMUNIZATION RECORD", "Immunization History Report").
   */
  private static final Pattern VACCINE_COLUMNS = Pattern.compile(
      "^\\s*(?:vaccines?|immuni[sz]ations?|vaccinations?)(?: name| type)?\\s{2,}"
          + "(?:.*\\s)?(?:date(?: given| administered)?|given|administered|dose|lot(?: number)?)\\b.*",
      Pattern.CASE_INSENSITIVE);

  /** A bracket or a date after a heading's name. */
  private static final Pattern QUALIFIER = Pattern.compile(
      "\\s*(?:\\([^)]*\\)|(?:on |dated? |from )?\\d{1,4}[/.-]\\d{1,2}[/.-]\\d{1,4}"
          + "|(?:on |dated? )?\\d{1,2} \\p{L}{3,9}\\.? \\d{4}"
          + "|(?:on |dated? )?\\p{L}{3,9}\\.? \\d{1,2},? \\d{4})\\s*$");

  private SectionHeaders() {}

  private static void known(Section section, String names) {
    KNOWN.add(new Known(Pattern.compile("(?:" + names + ")", Pattern.CASE_INSENSITIVE), section));
  }

  /** "Observations: BP 138/82 ...": a field label with its content on the line. */
  private static final Pattern FIELD = Pattern.compile(
      "^\\s*([A-Z][A-Za-z/&'()-]*(?: [A-Za-z/&'()-]+){0,3})\\s*(?:\\([^)]*\\))?\\s*:\\s*\\S.*");
  /** Fields of an item in a list ("Reaction: hives", "Directions: ..."), which stay in the list. */
  private static final Pattern ITEM_FIELD = Pattern.compile(
      "(?:reactions?|severity|type|onset|notes?|comments?|sig|directions|instructions|dose|doses"
          + "|route|frequency|indication|refills?|qty|quantity|start(?: date)?|stop(?: date)?"
          + "|end(?: date)?|prescriber|prescribed by|lot(?: number)?|site|manufacturer|given(?: by)?"
          + "|status|last (?:fill|dose|taken)|strength|form|reason|verified(?: by)?|source)",
      Pattern.CASE_INSENSITIVE);

  /**
   * Inside a list section (allergies, medications, immunizations), a line that starts with a field
   * label naming no clinical term ("Observations: BP 138/82", "Post-op course: ...") is the next
   * part of the note, not another item: its content belongs to no list. The heading it opens is
   * unnamed ({@link Section#OTHER}), so every reader looks at the content.
   */
  static Optional<Heading> fieldAfterList(String line, Section current) {
    if (current != Section.ALLERGIES && current != Section.MEDICATIONS
        && current != Section.STOPPED_MEDICATIONS && current != Section.IMMUNIZATIONS
        && current != Section.IMMUNIZATIONS_DUE) {
      return Optional.empty();
    }
    Matcher m = FIELD.matcher(line);
    if (!m.matches() || ITEM_FIELD.matcher(m.group(1).strip()).matches()
        || Vocabularies.namesAnyTerm(m.group(1))) {
      return Optional.empty();
    }
    return Optional.of(new Heading(Section.OTHER, line.substring(line.indexOf(':') + 1).strip(),
        null));
  }

  /** The heading on this line, if it is one. */
  static Optional<Heading> detect(String line) {
    Matcher bullet = BULLET.matcher(line);
    String body = line.substring(bullet.lookingAt() ? bullet.end() : 0);
    int colon = body.indexOf(':');
    String candidate = (colon >= 0 ? body.substring(0, colon) : body).strip();
    String rest = colon >= 0 ? body.substring(colon + 1).strip() : "";
    LocalDate date = null;
    Matcher qualifier = QUALIFIER.matcher(candidate);
    if (qualifier.find()) {
      // "Labs (03/12/2026)", "Immunizations given 03/14/2026", "Vitals (today)"
      date = Dates.first(qualifier.group()).map(Dates.Found::date).orElse(null);
      if (date != null || qualifier.group().strip().startsWith("(")) {
        candidate = candidate.substring(0, qualifier.start()).strip();
      }
    }
    for (Known known : KNOWN) {
      if (known.name().matcher(candidate).matches()) {
        return Optional.of(new Heading(known.section(), rest, date));
      }
    }
    if (VACCINE_COLUMNS.matcher(line).matches() && line.chars().noneMatch(Character::isDigit)) {
      return Optional.of(new Heading(Section.IMMUNIZATIONS, "", null));
    }
    if (isColumnHeader(line)) {
      return Optional.of(new Heading(Section.LABS, "", null));
    }
    if ((UNKNOWN_COLON.matcher(line).matches() || ALL_CAPS.matcher(line).matches())
        && !Vocabularies.namesAnyTerm(line)) {
      return Optional.of(new Heading(Section.OTHER, "", null));
    }
    return Optional.empty();
  }

  private static boolean isColumnHeader(String line) {
    if (line.chars().anyMatch(Character::isDigit)) {
      return false;
    }
    Matcher m = COLUMN_WORDS.matcher(line);
    int count = 0;
    while (m.find()) {
      count++;
    }
    return count >= 2;
  }
}
