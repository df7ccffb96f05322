package io.exora.extract.text;

import static io.exora.extract.text.Fixtures.dec;
import static io.exora.extract.text.Fixtures.events;
import static io.exora.extract.text.Fixtures.extract;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.exora.clinical.Allergy;
import io.exora.clinical.Condition;
import io.exora.clinical.Immunization;
import io.exora.clinical.LabResult;
import io.exora.clinical.Medication;
import io.exora.clinical.VitalSign;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/**
 * Layouts and phrasings the labelled accuracy set (src/test/resources/accuracy) showed the extractor
 * misreading, each in its smallest form: document dates in mid-line fields, vaccine tables with no
 * heading, lists that end without a heading, doses on one line, and the like.
 */
class DocumentLayoutTest {

  @Test
  void aDateFieldInTheMiddleOfAHeaderLineDatesTheDocument() {
    assertThat(extract("Patient: Frank D      Date: 04/02/2026      Reconciled by: K. Abara\n")
        .documentDate()).isEqualTo(LocalDate.of(2026, 4, 2));
    assertThat(extract("Mercy West ED     Arrival: 2026-02-14 21:40\n").documentDate())
        .isEqualTo(LocalDate.of(2026, 2, 14));
    assertThat(extract("Admission: 11/03/2025      Discharge: 11/06/2025\n").documentDate())
        .isEqualTo(LocalDate.of(2025, 11, 6));
    // Not every "date:" is the document's.
    assertThat(extract("Metformin 500 mg      Start date: 01/05/2020\n").documentDate()).isNull();
  }

  @Test
  void aVaccineTableWithoutAnImmunizationHeadingIsStillAListOfDosesGiven() {
    var text = """
        STATE REGISTRY - OFFICIAL RECORD
        Vaccine                  Date Given     Dose   Lot Number
        Varicella                06/15/2022     1      V44109
        Influenza, quadrivalent  10/03/2024     1      FL24QD
        """;
    assertThat(events(text, Immunization.class)).extracting(Immunization::cvxCode,
        Immunization::date).containsExactly(tuple("21", LocalDate.of(2022, 6, 15)),
            tuple("88", LocalDate.of(2024, 10, 3)));
    assertThat(events(text, Condition.class)).isEmpty();
  }

  @Test
  void twoDosesOnOneLineAreTwoVaccinations() {
    assertThat(events("Vaccinations administered:\n- Hepatitis B dose 1 given 04/02/2024, dose 2"
        + " given 05/01/2024\n", Immunization.class))
        .extracting(Immunization::doseNumber, Immunization::date)
        .containsExactly(tuple(1, LocalDate.of(2024, 4, 2)), tuple(2, LocalDate.of(2024, 5, 1)));
  }

  @Test
  void aVaccineNamedGenericallyAndSpecificallyIsOneVaccinationWithTheSpecificCode() {
    assertThat(events("Immunizations given today:\nRotaTeq (rotavirus) dose 1, oral\n"
        + "Pneumococcal vaccine (PCV20) dose 1\nDTaP, IPV\n", Immunization.class))
        .extracting(Immunization::cvxCode).containsExactly("116", "216", "20", "10");
    assertThat(events("Pneumococcal and shingles vaccines: not indicated at this time\n",
        Immunization.class)).isEmpty();
  }

  @Test
  void aProseParagraphAfterADiagnosisListIsNarrativeAgain() {
    var text = """
        Diagnoses:
        Hypertension

        I reviewed Mrs W in clinic today and she is well. On examination her blood pressure
        was 142/88 mmHg and her weight 92.6 kg.
        """;
    assertThat(events(text, VitalSign.class)).extracting(VitalSign::type)
        .containsExactly("blood_pressure", "weight");
  }

  @Test
  void aFieldAfterAnAllergyListIsNotAnAllergy() {
    var text = """
        Allergies / sensitivities:
        Tramadol - confusion

        Observations: BP 138/82 mmHg, HR 66, SpO2 97%
        """;
    assertThat(events(text, Allergy.class)).extracting(Allergy::name).containsExactly("Tramadol");
    assertThat(events(text, VitalSign.class)).hasSize(3);
  }

  @Test
  void labsUnderAQualifiedLabsHeadingAreRead() {
    assertThat(events("Allergies: Morphine - hallucinations\nPost-operative labs (11/05/2025): "
        + "Hemoglobin 9.8 g/dL, sodium 134 mmol/L\n", LabResult.class))
        .extracting(LabResult::loincCode, LabResult::valueNumeric, LabResult::date)
        .containsExactly(tuple("718-7", dec("9.8"), LocalDate.of(2025, 11, 5)),
            tuple("2951-2", dec("134"), LocalDate.of(2025, 11, 5)));
  }

  @Test
  void aFetalHeartRateIsNotThePatientsAndARepeatedPressureIsASecondReading() {
    assertThat(events("Vitals: BP 112/68, pulse 84\nFetal heart rate 148 bpm.\n", VitalSign.class))
        .extracting(VitalSign::type).containsExactly("blood_pressure", "heart_rate");
    assertThat(events("O: BP 146/92, repeat 144/90. Pulse 72.\n", VitalSign.class))
        .extracting(VitalSign::value, VitalSign::secondaryValue)
        .contains(tuple(dec("146"), dec("92")), tuple(dec("144"), dec("90")));
  }

  @Test
  void aMicroscopyCountRangeWithAFlagIsTheResult() {
    assertThat(events("URINALYSIS\nRBC                   6-10            H      /hpf    (0-2)\n",
        LabResult.class)).extracting(LabResult::valueText).containsExactly("6-10");
  }

  @Test
  void aPrescriptionUnderAllergiesIsNotAnAllergenAndAReactionAfterAndIsNotOne() {
    var text = """
        Allergies:
        Sulfasalazine - rash and fever
        Cefaclor                 Drug          Urticaria                     Moderate
        EpiPen 0.3 mg prescribed; carries two auto-injectors.
        """;
    assertThat(events(text, Allergy.class)).extracting(Allergy::name)
        .containsExactly("Sulfasalazine", "Cefaclor");
  }

  @Test
  void medicationsInProseAndChangesOfStrength() {
    assertThat(events("His medications are metoprolol 25 mg twice daily and metformin 500 mg twice"
        + " daily. He reports an allergy to atorvastatin.\n", Medication.class))
        .extracting(Medication::name).containsExactly("Metoprolol 25 mg", "Metformin 500 mg");
    assertThat(events("Plan:\n- Increase amlodipine from 5 mg to 10 mg daily\n", Medication.class))
        .extracting(Medication::strength).containsExactly("10 mg");
    assertThat(events("Discharge Medications:\nCephalexin 500 rng PO four times daily\n"
        + "Potassium chloride 20 mEq by mouth daily\n", Medication.class))
        .extracting(Medication::strength).containsExactly("500 mg", "20 mEq");
  }

  @Test
  void aMedicationMentionedAgainWithoutItsStrengthIsNotASecondMedication() {
    assertThat(events("Meds: Budesonide-formoterol 160/4.5 mcg 2 puffs twice daily.\n"
        + "Plan: Continue budesonide-formoterol.\n", Medication.class)).hasSize(1);
  }

  @Test
  void stagedAndSiteSpecificConditionsKeepTheirDetail() {
    assertThat(events("Problems:\nChronic kidney disease stage 3\nPrimary osteoarthritis of both"
        + " knees\nType 2 diabetes mellitus with diabetic peripheral neuropathy\n"
        + "Major depressive disorder, recurrent, in remission\n", Condition.class))
        .extracting(Condition::icd10Code)
        .containsExactly("N18.30", "M17.0", "E11.40", "F33.40");
  }
}
