package io.exora.extract.structured;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The strength written in a medication's name. RxNorm clinical drug names always state it
 * ("Lisinopril 10 MG Oral Tablet", "azithromycin 40 MG/ML Oral Suspension", "Albuterol 0.09
 * MG/ACTUAT Metered Dose Inhaler"), and neither format has a simpler place for it.
 */
final class MedicationStrength {

  /**
   * A number with a mass or unit amount, optionally per a volume, dose or time. Pack sizes such as
   * "200 ACTUAT" or "24 HR" do not match because ACTUAT and HR only appear after the slash.
   */
  private static final Pattern STRENGTH =
      Pattern.compile(
          "(?<![\\w.])\\d+(?:\\.\\d+)?\\s?(?:MG|MCG|G|MEQ|UNT|IU|%)"
              + "(?:\\s?/\\s?(?:\\d+(?:\\.\\d+)?\\s?)?(?:ML|L|MG|G|ACTUAT|HR|DOSE))?(?![\\w])",
          Pattern.CASE_INSENSITIVE);

  private MedicationStrength() {}

  /** "10 MG"; several ingredients are joined ("325 MG / 5 MG"); null when the name has none. */
  static String fromName(String name) {
    if (name == null) {
      return null;
    }
    Matcher m = STRENGTH.matcher(name);
    String joined = m.results().map(r -> r.group()).collect(Collectors.joining(" / "));
    return joined.isEmpty() ? null : joined;
  }
}
