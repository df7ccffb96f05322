package io.exora.extract.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.exora.clinical.Condition;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Conditions: where they are read, their status, and what keeps a mention from being one. */
class ConditionReaderTest {

  private static List<Condition> conditions(String text) {
    return Fixtures.events(text, Condition.class);
  }

  @Test
  void aProblemListGivesStatusPerItem() {
    assertThat(conditions("Problem List:\n1. Asthma, mild intermittent\n2. GERD\n"
        + "3. History of appendicitis\n4. Depression - in remission\n"
        + "5. Hypertension, well controlled; hyperlipidemia, resolved"))
        .extracting(Condition::name, Condition::icd10Code, Condition::status)
        .containsExactly(
            tuple("Asthma", "J45.909", "active"),
            tuple("Gastroesophageal reflux disease", "K21.9", "active"),
            tuple("Appendicitis", "K37", "unknown"),
            tuple("Depression", "F32.A", "remission"),
            tuple("Essential hypertension", "I10", "active"),
            tuple("Hyperlipidemia", "E78.5", "resolved"));
  }

  @Test
  void symptomsCountOnlyWhereANoteListsDiagnoses() {
    assertThat(conditions("Assessment: Chest pain, likely musculoskeletal. Fever."))
        .extracting(Condition::name).containsExactly("Chest pain", "Fever");
    assertThat(conditions("He reports chest pain and fever since Tuesday.")).isEmpty();
  }

  @Test
  void proseIsReadForDisordersAndReviewed() {
    assertThat(conditions("She has type 2 diabetes and hypothyroidism."))
        .extracting(Condition::name, c -> c.evidence().requiresReview())
        .containsExactly(tuple("Type 2 diabetes mellitus", true), tuple("Hypothyroidism", true));
  }

  @Test
  void negationReachesAcrossAListButStopsAtAClauseEnd() {
    assertThat(conditions("Assessment: no asthma, COPD or pneumonia; hypertension."))
        .extracting(Condition::name).containsExactly("Essential hypertension");
    assertThat(conditions("Assessment: Hypertension, but no diabetes."))
        .extracting(Condition::name).containsExactly("Essential hypertension");
  }

  @Test
  void aDiagnosisDateIsTheOnset() {
    assertThat(conditions("Problems: Type 2 diabetes diagnosed 2019-04-02"))
        .singleElement().satisfies(c -> {
          assertThat(c.onsetDate()).isEqualTo(LocalDate.of(2019, 4, 2));
          assertThat(c.date()).isNull();
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "Assessment: Pneumonia was ruled out.",
      "Assessment: rule out sepsis",
      "Assessment: r/o appendicitis",
      "Assessment: possible otitis media",
      "Assessment: otitis media vs otitis externa?",
      "Assessment: no evidence of pneumonia",
      "Assessment: negative for COVID-19",
      "Assessment: COVID-19 negative",
      "Assessment: Influenza vaccine given",
      "Assessment: Diabetes education provided",
      "Assessment: at risk for osteoporosis",
      "Family History: Mother with breast cancer. Father with hypertension.",
      "FH: diabetes, stroke",
      "Social history: alcohol use disorder in father",
      "Review of systems: positive for cough and fever",
      "Physical exam: no murmur, lungs clear, no wheezing",
      "Plan: return if signs of pneumonia",
      "Maternal grandmother with type 2 diabetes.",
      "His brother has asthma.",
      "The patient denies a history of stroke or heart attack.",
      "Patient has no history of diabetes."})
  void negatedUncertainFamilyAndOtherSectionsGiveNone(String text) {
    assertThat(conditions(text)).as(text).isEmpty();
  }

  @Test
  void aRepeatedDiagnosisIsKeptOnceWithTheBestConfidence() {
    assertThat(conditions("Past medical history: hypertension\nAssessment: Hypertension"))
        .singleElement().satisfies(c -> {
          assertThat(c.status()).isEqualTo("active");
          assertThat(c.evidence().confidence()).isEqualTo(0.9);
        });
  }
}
