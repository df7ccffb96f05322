package io.exora.extract.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Precision: text that states no clinical fact yields no event. */
class NonClinicalTextTest {

  @ParameterizedTest
  @ValueSource(strings = {"letter.txt", "bill.txt", "lorem-ipsum.txt"})
  void aDocumentWithoutClinicalFactsGivesNoEvents(String fixture) {
    assertThat(Fixtures.extractFixture(fixture).events()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      "   \n\n  ",
      "Please bring your insurance card and arrive 15 minutes early.",
      "The lead pipe was 12 mg heavier than expected.",
      "Our office is in Suite 210; call 555-0142 between 8 and 5.",
      "Iron 325 mg tablets are on sale for $4.99.",
      "Hemoglobin is a protein in red blood cells that carries oxygen.",
      "Diabetes education class on Tuesday at 10 am.",
      "Flu vaccine clinic open Saturdays from 9 to 12.",
      "The BP gas station on 5th street.",
      "Weight loss of 5 kg is a reasonable goal.",
      "Results will be mailed within 3 days.",
      "Patient was counseled on the risk of stroke.",
      "Screening for colon cancer was discussed.",
      "Return to clinic if fever or ear pain.",
      "She denies chest pain, shortness of breath, cough or fever.",
      "No history of diabetes, hypertension or asthma.",
      "Family history: mother with breast cancer, father with type 2 diabetes.",
      "Mother has asthma and father had a stroke.",
      "Pulmonary embolism was ruled out.",
      "Rule out pneumonia.",
      "Possible otitis media.",
      "Pt declined influenza vaccine.",
      "Vaccines due at next visit: MMR #2, Varicella #2",
      "Patient is not taking aspirin 81 mg.",
      "Allergies: NKDA",
      "No known allergies.",
      "Medications: none"})
  void aSentenceThatStatesNoEventGivesNone(String text) {
    assertThat(Fixtures.extract(text).events()).as(text).isEmpty();
  }

  @Test
  void refusesNullAndAbsurdlyLongText() {
    ClinicalTextExtractor extractor = new ClinicalTextExtractor();
    assertThatThrownBy(() -> extractor.extract(null)).isInstanceOf(NullPointerException.class);
    String huge = "a".repeat(ClinicalTextExtractor.MAX_TEXT_CHARS + 1);
    assertThatThrownBy(() -> extractor.extract(huge))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most");
  }

  @Test
  void aVeryLongLineIsReadInBoundedPieces() {
    String longProse = "The patient is well and has no complaints today. ".repeat(400)
        + "Hemoglobin A1c was 7.1%.";
    assertThat(Fixtures.extract(longProse).events()).hasSize(1);
  }
}
