package io.exora.extract.text;

import java.util.List;

/**
 * The coded vocabularies under {@code src/main/resources/extract/}, loaded once per process on first
 * use (the holder idiom makes that thread-safe without locks). Each file documents its own columns.
 */
final class Vocabularies {

  /** A laboratory test; {@code unit} is its usual UCUM unit, or null when it has none. */
  record LabTest(String loinc, String name, String unit, boolean quantitative, boolean qualitative) {}

  record Drug(String rxcui, String name) {}

  /** A condition; a symptom is read only where a note lists diagnoses or problems. */
  record ConditionTerm(String icd10, String snomed, String name, boolean symptom) {}

  record Vaccine(String cvx, String name) {}

  /** @param type medication, food, environmental or other */
  record Allergen(String name, String type, String snomed) {}

  private Vocabularies() {}

  static TermIndex<LabTest> labs() {
    return Holder.LABS;
  }

  /** Lab names inside a urinalysis section, where "Protein" or "Glucose" means the urine test. */
  static TermIndex<LabTest> urinalysisLabs() {
    return Holder.URINALYSIS_LABS;
  }

  static TermIndex<Drug> drugs() {
    return Holder.DRUGS;
  }

  static TermIndex<ConditionTerm> conditions() {
    return Holder.CONDITIONS;
  }

  static TermIndex<Vaccine> vaccines() {
    return Holder.VACCINES;
  }

  static TermIndex<Allergen> allergens() {
    return Holder.ALLERGENS;
  }

  /** True when the text names any known lab, drug, condition, vaccine or allergen. */
  static boolean namesAnyTerm(String text) {
    return labs().containsTerm(text) || drugs().containsTerm(text)
        || conditions().containsTerm(text) || vaccines().containsTerm(text)
        || allergens().containsTerm(text);
  }

  private static final class Holder {
    static final TermIndex<LabTest> LABS;
    static final TermIndex<LabTest> URINALYSIS_LABS;

    static {
      List<String[]> rows = Tsv.read("/extract/loinc-labs.tsv", 6);
      TermIndex.Builder<LabTest> general = TermIndex.builder();
      TermIndex.Builder<LabTest> urinalysis = TermIndex.builder();
      List<LabTest> tests = new java.util.ArrayList<>();
      for (String[] r : rows) {
        String kind = r[3];
        if (!kind.equals("Q") && !kind.equals("T") && !kind.equals("B")) {
          throw new IllegalStateException("loinc-labs.tsv: kind must be Q, T or B for " + r[0]);
        }
        tests.add(new LabTest(r[0], r[1], Tsv.emptyToNull(r[2]),
            !kind.equals("T"), !kind.equals("Q")));
      }
      // Urinalysis names go in first, so that in a urinalysis section "Glucose" is the urine test
      // before it is the serum one.
      for (int i = 0; i < rows.size(); i++) {
        for (String s : Tsv.synonyms(rows.get(i)[5])) {
          urinalysis.add(s, tests.get(i));
        }
      }
      for (int i = 0; i < rows.size(); i++) {
        for (String s : Tsv.synonyms(rows.get(i)[4])) {
          general.add(s, tests.get(i));
          urinalysis.add(s, tests.get(i));
        }
      }
      LABS = general.build();
      URINALYSIS_LABS = urinalysis.build();
    }

    static final TermIndex<Drug> DRUGS = load("/extract/rxnorm-drugs.tsv", 3, r ->
        new Entry<>(new Drug(r[0], r[1]), r[2]));

    static final TermIndex<ConditionTerm> CONDITIONS = load("/extract/conditions.tsv", 5, r -> {
      if (!r[3].equals("disorder") && !r[3].equals("symptom")) {
        throw new IllegalStateException("conditions.tsv: kind must be disorder or symptom: " + r[2]);
      }
      return new Entry<>(new ConditionTerm(r[0], Tsv.emptyToNull(r[1]), r[2],
          r[3].equals("symptom")), r[4]);
    });

    static final TermIndex<Vaccine> VACCINES = load("/extract/cvx-vaccines.tsv", 3, r ->
        new Entry<>(new Vaccine(r[0], r[1]), r[2]));

    static final TermIndex<Allergen> ALLERGENS = load("/extract/allergens.tsv", 4, r -> {
      if (!List.of("medication", "food", "environmental", "other").contains(r[1])) {
        throw new IllegalStateException("allergens.tsv: unknown type " + r[1] + " for " + r[0]);
      }
      return new Entry<>(new Allergen(r[0], r[1], Tsv.emptyToNull(r[2])), r[3]);
    });

    private record Entry<T>(T value, String synonyms) {}

    private static <T> TermIndex<T> load(
        String resource, int columns, java.util.function.Function<String[], Entry<T>> parse) {
      TermIndex.Builder<T> builder = TermIndex.builder();
      for (String[] row : Tsv.read(resource, columns)) {
        Entry<T> entry = parse.apply(row);
        for (String s : Tsv.synonyms(entry.synonyms())) {
          builder.add(s, entry.value());
        }
      }
      return builder.build();
    }
  }
}
