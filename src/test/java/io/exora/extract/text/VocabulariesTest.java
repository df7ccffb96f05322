package io.exora.extract.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The vocabulary files: well-formed codes, enough coverage, and no synonym that is ambiguous. */
class VocabulariesTest {

  private static final List<String[]> LABS = Tsv.read("/extract/loinc-labs.tsv", 6);
  private static final List<String[]> DRUGS = Tsv.read("/extract/rxnorm-drugs.tsv", 3);
  private static final List<String[]> CONDITIONS = Tsv.read("/extract/conditions.tsv", 5);
  private static final List<String[]> VACCINES = Tsv.read("/extract/cvx-vaccines.tsv", 3);
  private static final List<String[]> ALLERGENS = Tsv.read("/extract/allergens.tsv", 4);

  /** LOINC's check digit is the Luhn mod 10 digit of the number before the dash. */
  static boolean loincCheckDigitHolds(String code) {
    String[] parts = code.split("-");
    if (parts.length != 2 || !parts[0].matches("\\d{1,7}") || !parts[1].matches("\\d")) {
      return false;
    }
    int sum = 0;
    String digits = parts[0];
    for (int i = 0; i < digits.length(); i++) {
      int d = digits.charAt(digits.length() - 1 - i) - '0';
      if (i % 2 == 0) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
    }
    return (10 - sum % 10) % 10 == parts[1].charAt(0) - '0';
  }

  @Test
  void theLuhnCheckItselfWorks() {
    assertThat(loincCheckDigitHolds("718-7")).isTrue();
    assertThat(loincCheckDigitHolds("2345-7")).isTrue();
    assertThat(loincCheckDigitHolds("718-8")).isFalse();
  }

  @Test
  void labsHaveValidLoincCodesAndKnownUnits() {
    assertThat(LABS).hasSizeGreaterThanOrEqualTo(130);
    for (String[] row : LABS) {
      assertThat(loincCheckDigitHolds(row[0])).as("LOINC check digit of " + row[0]).isTrue();
      if (!row[2].isEmpty()) {
        assertThat(Units.dimensionOf(row[2])).as("unit " + row[2] + " of " + row[1]).isNotNull();
      }
    }
    assertThat(LABS.stream().map(r -> r[0]).distinct().count()).isEqualTo(LABS.size());
  }

  @Test
  void vitalSignCodesAreValidLoinc() {
    for (VitalKind kind : VitalKind.values()) {
      assertThat(loincCheckDigitHolds(kind.loinc)).as(kind.loinc).isTrue();
    }
    assertThat(loincCheckDigitHolds(VitalKind.LENGTH_LOINC)).isTrue();
  }

  @Test
  void labsSharingANameDifferByUnit() {
    Map<String, List<String[]>> bySynonym = new HashMap<>();
    for (String[] row : LABS) {
      for (String s : Tsv.synonyms(row[4])) {
        String key = s.startsWith("=") ? s : s.toLowerCase(Locale.ROOT);
        bySynonym.computeIfAbsent(key, k -> new ArrayList<>()).add(row);
      }
    }
    bySynonym.forEach((synonym, rows) -> {
      Set<Units.Dimension> dimensions = new HashSet<>();
      for (String[] row : rows) {
        assertThat(dimensions.add(Units.dimensionOf(row[2])))
            .as("\"" + synonym + "\" names " + rows.size() + " tests of one dimension").isTrue();
      }
    });
  }

  @Test
  void drugsHaveRxcuisAndNoSharedNames() {
    assertThat(DRUGS).hasSizeGreaterThanOrEqualTo(100);
    DRUGS.forEach(r -> assertThat(r[0]).as(r[1]).matches("\\d{2,8}"));
    assertNoSharedSynonym(DRUGS, 2);
    assertThat(DRUGS.stream().map(r -> r[0]).distinct().count()).isEqualTo(DRUGS.size());
  }

  @Test
  void conditionsHaveIcd10AndSnomedCodesAndNoSharedNames() {
    assertThat(CONDITIONS).hasSizeGreaterThanOrEqualTo(100);
    Pattern icd10 = Pattern.compile("[A-Z]\\d{2}(?:\\.[0-9A-Z]{1,4})?");
    for (String[] r : CONDITIONS) {
      assertThat(r[0]).as(r[2]).matches(icd10);
      assertThat(r[1]).as(r[2]).matches("|\\d{6,18}");
    }
    assertNoSharedSynonym(CONDITIONS, 4);
  }

  @Test
  void vaccinesHaveCvxCodesAndNoSharedNames() {
    assertThat(VACCINES).hasSizeGreaterThanOrEqualTo(40);
    VACCINES.forEach(r -> assertThat(r[0]).as(r[1]).matches("\\d{2,3}"));
    assertNoSharedSynonym(VACCINES, 2);
    assertThat(VACCINES.stream().map(r -> r[0]).distinct().count()).isEqualTo(VACCINES.size());
  }

  @Test
  void allergensHaveNoSharedNames() {
    assertNoSharedSynonym(ALLERGENS, 3);
    ALLERGENS.forEach(r -> assertThat(r[2]).as(r[0]).matches("|\\d{6,18}"));
  }

  @Test
  void everySynonymMatchesItselfAndItsOcrMisreadings() {
    List<String> synonyms = new ArrayList<>();
    LABS.forEach(r -> synonyms.addAll(Tsv.synonyms(r[4])));
    DRUGS.forEach(r -> synonyms.addAll(Tsv.synonyms(r[2])));
    CONDITIONS.forEach(r -> synonyms.addAll(Tsv.synonyms(r[4])));
    VACCINES.forEach(r -> synonyms.addAll(Tsv.synonyms(r[2])));
    for (String synonym : synonyms) {
      String plain = synonym.startsWith("=") ? synonym.substring(1) : synonym;
      Pattern pattern = TermIndex.compile(synonym);
      assertThat(pattern.matcher("x " + plain + " y").find()).as(synonym).isTrue();
      for (String misread : List.of(plain.replace('l', '1'), plain.replace('o', '0'),
          plain.replace("m", "rn"), plain.replace('s', '5'), plain.toUpperCase(Locale.ROOT))) {
        // The skeleton prefilter must never hide a match the pattern finds.
        if (pattern.matcher(misread).find()) {
          assertThat(TermIndex.skeleton(misread)).as(misread)
              .contains(TermIndex.skeleton(plain));
        }
      }
    }
  }

  private static void assertNoSharedSynonym(List<String[]> rows, int column) {
    Map<String, String> owner = new HashMap<>();
    for (String[] row : rows) {
      for (String s : Tsv.synonyms(row[column])) {
        String key = s.startsWith("=") ? s : s.toLowerCase(Locale.ROOT);
        String previous = owner.put(key, String.join("|", row));
        assertThat(previous).as("synonym \"" + s + "\" is listed twice").isNull();
      }
    }
  }
}
