package io.exora.extract.text;

import static io.exora.extract.text.Fixtures.dec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.exora.clinical.Extraction;
import io.exora.clinical.Medication;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** A printed medication list with current and discontinued medications. */
class MedicationListTest {

  private final Extraction extraction = Fixtures.extractFixture("medication-list.txt");

  @Test
  void readsEveryMedicationWithStrengthDoseRouteFrequencyAndStatus() {
    assertThat(Fixtures.events(extraction, Medication.class))
        .extracting(Medication::name, Medication::rxnormCode, Medication::strength,
            Medication::doseAmount, Medication::doseUnit, Medication::route,
            Medication::frequency, Medication::status)
        .containsExactly(
            tuple("Levothyroxine 75 mcg", "10582", "75 mcg", dec("1"), "tablet", "oral",
                "every morning", "active"),
            tuple("Metoprolol 50 mg", "6918", "50 mg", dec("50"), "mg", "oral", "once daily",
                "active"),
            tuple("Atorvastatin 20 mg", "83367", "20 mg", dec("20"), "mg", null,
                "once daily at bedtime", "active"),
            tuple("Amoxicillin 250 mg/5 mL", "723", "250 mg/5 mL", dec("5"), "mL", "oral",
                "three times daily for 10 days", "active"),
            tuple("Insulin glargine 22 units", "274783", "22 units", dec("22"), "units",
                "subcutaneous", "at bedtime", "active"),
            tuple("Fluticasone 50 mcg/spray", "41126", "50 mcg/spray", dec("2"), "spray", "nasal",
                "once daily", "active"),
            tuple("Cholecalciferol 2000 IU", "2418", "2000 IU", dec("2000"), "IU", null,
                "once daily", "active"),
            tuple("Melatonin 3 mg", null, "3 mg", dec("3"), "mg", null,
                "at bedtime as needed for sleep", "active"),
            tuple("Hydrochlorothiazide 25 mg", "5487", "25 mg", dec("25"), "mg", null,
                "once daily", "stopped"),
            tuple("Naproxen 500 mg", "7258", "500 mg", dec("500"), "mg", null, "twice daily",
                "stopped"));
    assertThat(extraction.events()).hasSize(10);
  }

  @Test
  void aBrandIsCodedAsItsIngredientAndAnUnknownDrugIsReviewed() {
    Medication lipitor = Fixtures.events(extraction, Medication.class).get(2);
    assertThat(lipitor.evidence().requiresReview()).isFalse();
    Medication melatonin = Fixtures.events(extraction, Medication.class).get(7);
    assertThat(melatonin.evidence().requiresReview()).isTrue();
    assertThat(melatonin.evidence().confidence()).isLessThan(Score.REVIEW_BELOW);
  }

  @Test
  void aStopDateBecomesTheEndDateAndThePrintDateDatesTheList() {
    Medication hctz = Fixtures.events(extraction, Medication.class).get(8);
    assertThat(hctz.endDate()).isEqualTo(LocalDate.of(2026, 1, 15));
    assertThat(extraction.documentDate()).isEqualTo(LocalDate.of(2026, 2, 20));
  }
}
