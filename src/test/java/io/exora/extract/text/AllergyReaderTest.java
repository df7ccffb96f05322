package io.exora.extract.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.exora.clinical.Allergy;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AllergyReaderTest {

  private static List<Allergy> allergies(String text) {
    return Fixtures.events(text, Allergy.class);
  }

  @Test
  void readsAnAllergyListWithReactionsAndSeverity() {
    assertThat(allergies("Allergies: Penicillin (hives), peanuts - anaphylaxis, "
        + "sulfa: rash (mild); latex; cat dander -> sneezing, watery eyes"))
        .extracting(Allergy::name, Allergy::allergenType, Allergy::reaction, Allergy::severity)
        .containsExactly(
            tuple("Penicillin", "medication", "hives", null),
            tuple("Peanut", "food", "anaphylaxis", "life_threatening"),
            tuple("Sulfonamides", "medication", "rash", "mild"),
            tuple("Latex", "environmental", null, null),
            tuple("Cat dander", "environmental", "sneezing, watery eyes", null));
  }

  @Test
  void aDrugFromTheMedicationVocabularyIsAMedicationAllergen() {
    assertThat(allergies("ALLERGIES:\nCodeine - nausea and vomiting\nLisinopril (cough, severe)"))
        .extracting(Allergy::name, Allergy::allergenType, Allergy::reaction, Allergy::severity)
        .containsExactly(
            tuple("Codeine", "medication", "nausea and vomiting", null),
            tuple("Lisinopril", "medication", "cough", "severe"));
  }

  @Test
  void anUnknownAllergenInAnAllergySectionIsKeptForReview() {
    assertThat(allergies("Allergies: Bactroban ointment (itching)")).singleElement()
        .satisfies(a -> {
          assertThat(a.name()).isEqualTo("Bactroban ointment");
          assertThat(a.allergenType()).isNull();
          assertThat(a.reaction()).isEqualTo("itching");
          assertThat(a.evidence().requiresReview()).isTrue();
        });
  }

  @Test
  void proseNeedsAnAllergyCue() {
    assertThat(allergies("She is allergic to amoxicillin (rash) and eggs."))
        .extracting(Allergy::name, Allergy::reaction)
        .containsExactly(tuple("Amoxicillin", "rash"), tuple("Egg", null));
    assertThat(allergies("Latex allergy noted.")).extracting(Allergy::name)
        .containsExactly("Latex");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Allergies: NKDA", "ALLERGIES: No known drug allergies",
      "Allergies: none", "NKA", "Allergies:\nNone known", "No allergies to penicillin.",
      "Not allergic to eggs.", "He ate peanuts at lunch.", "Allergies reviewed with patient."})
  void noKnownAllergiesAndMentionsWithoutAnAllergyGiveNone(String text) {
    assertThat(allergies(text)).as(text).isEmpty();
  }

  @Test
  void nkdaBesideAFoodAllergyKeepsTheFoodAllergy() {
    assertThat(allergies("Allergies: NKDA; shellfish (hives)")).extracting(Allergy::name)
        .containsExactly("Shellfish");
  }
}
