package io.exora.extract.text;

import static io.exora.extract.text.Fixtures.dec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.exora.clinical.Allergy;
import io.exora.clinical.Condition;
import io.exora.clinical.Extraction;
import io.exora.clinical.LabResult;
import io.exora.clinical.Medication;
import io.exora.clinical.VitalSign;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** A discharge summary: diagnoses, history, hospital course, allergies, vitals, medications. */
class DischargeSummaryTest {

  private final Extraction extraction = Fixtures.extractFixture("discharge-summary.txt");

  @Test
  void isDatedOnTheDayOfDischarge() {
    assertThat(extraction.documentDate()).isEqualTo(LocalDate.of(2026, 3, 12));
  }

  @Test
  void readsDiagnosesAndHistoryWithTheirStatus() {
    assertThat(Fixtures.events(extraction, Condition.class))
        .extracting(Condition::name, Condition::icd10Code, Condition::snomedCode,
            Condition::status)
        .containsExactly(
            tuple("Pneumonia", "J18.9", "233604007", "active"),
            tuple("Type 2 diabetes mellitus", "E11.9", "44054006", "active"),
            tuple("Essential hypertension", "I10", "38341003", "active"),
            tuple("Hyperlipidemia", "E78.5", "55822004", "active"),
            tuple("Acute kidney injury", "N17.9", "14669001", "resolved"),
            tuple("Coronary artery disease", "I25.10", "53741008", "unknown"),
            tuple("Gout", "M10.9", "90560007", "unknown"));
  }

  @Test
  void doesNotTakeNegatedUncertainOrFamilyConditionsForThePatients() {
    assertThat(Fixtures.events(extraction, Condition.class)).extracting(Condition::name)
        .doesNotContain("Breast cancer", "Myocardial infarction", "Pulmonary embolism",
            "Asthma", "Chronic obstructive pulmonary disease", "Chest pain", "Fever",
            "Shortness of breath");
  }

  @Test
  void readsTheAllergiesWithReactionsAndSeverity() {
    assertThat(Fixtures.events(extraction, Allergy.class))
        .extracting(Allergy::name, Allergy::allergenType, Allergy::reaction, Allergy::severity,
            Allergy::snomedCode)
        .containsExactly(
            tuple("Penicillin", "medication", "hives", null, "91936005"),
            tuple("Sulfonamides", "medication", "rash", null, "91939003"),
            tuple("Shellfish", "food", "anaphylaxis", "life_threatening", "300913006"));
  }

  @Test
  void readsTheDischargeVitals() {
    assertThat(Fixtures.events(extraction, VitalSign.class))
        .extracting(VitalSign::type, VitalSign::value, VitalSign::secondaryValue, VitalSign::unit,
            VitalSign::loincCode)
        .containsExactly(
            tuple("blood_pressure", dec("132"), dec("78"), "mm[Hg]", "85354-9"),
            tuple("heart_rate", dec("84"), null, "/min", "8867-4"),
            tuple("temperature", dec("98.4"), null, "[degF]", "8310-5"),
            tuple("respiratory_rate", dec("18"), null, "/min", "9279-1"),
            tuple("oxygen_saturation", dec("96"), null, "%", "59408-5"),
            tuple("weight", dec("92.5"), null, "kg", "29463-7"));
  }

  @Test
  void readsInpatientAndDischargeMedications() {
    assertThat(Fixtures.events(extraction, Medication.class))
        .extracting(Medication::name, Medication::rxnormCode, Medication::doseAmount,
            Medication::doseUnit, Medication::route, Medication::frequency, Medication::status)
        .containsExactly(
            tuple("Ceftriaxone 1 g", "2193", dec("1"), "g", "intravenous", "once daily",
                "completed"),
            tuple("Azithromycin 500 mg", "18631", dec("500"), "mg", "intravenous", "once daily",
                "completed"),
            tuple("Amoxicillin-clavulanate 875-125 mg", null, null, null, "oral",
                "twice daily for 5 days", "active"),
            tuple("Metformin 1000 mg", "6809", dec("1000"), "mg", "oral", "twice daily", "active"),
            tuple("Lisinopril 20 mg", "29046", dec("1"), "tablet", "oral", "once daily", "active"),
            tuple("Atorvastatin 40 mg", "83367", dec("40"), "mg", "oral", "once daily at bedtime",
                "active"),
            tuple("Aspirin 81 mg", "1191", dec("81"), "mg", "oral", "once daily", "active"),
            tuple("Albuterol 90 mcg/actuation", "435", dec("2"), "puff", "inhalation",
                "every 4-6 hours as needed for wheezing", "active"),
            tuple("Ibuprofen 400 mg", "5640", dec("400"), "mg", null, null, "stopped"));
  }

  @Test
  void anUncodedCombinationIsFlaggedAndAResumeDateIsAStartDate() {
    Medication augmentin = Fixtures.events(extraction, Medication.class).get(2);
    assertThat(augmentin.evidence().requiresReview()).isTrue();
    Medication metformin = Fixtures.events(extraction, Medication.class).get(3);
    assertThat(metformin.startDate()).isEqualTo(LocalDate.of(2026, 3, 14));
  }

  @Test
  void aLabInTheNarrativeIsReadWithoutInventingARange() {
    assertThat(Fixtures.events(extraction, LabResult.class))
        .extracting(LabResult::name, LabResult::valueNumeric, LabResult::unit,
            LabResult::interpretation)
        .containsExactly(tuple("Hemoglobin A1c", dec("8.9"), "%", null));
    LabResult a1c = Fixtures.events(extraction, LabResult.class).getFirst();
    assertThat(a1c.evidence().sourceText()).isEqualTo("Hemoglobin A1c was 8.9%.");
  }

  @Test
  void theFollowUpPlanAddsNothing() {
    assertThat(extraction.events()).noneMatch(e -> e.evidence().sourceText().contains("Return"));
    assertThat(extraction.events()).hasSize(7 + 2 + 1 + 3 + 6 + 7);
  }
}
