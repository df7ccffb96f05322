package io.exora.extract.text;

import static io.exora.extract.text.Fixtures.dec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.exora.clinical.Allergy;
import io.exora.clinical.Condition;
import io.exora.clinical.Extraction;
import io.exora.clinical.Immunization;
import io.exora.clinical.Medication;
import io.exora.clinical.VitalSign;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** A pediatric well-child visit: growth, vaccines given today and before, and ones still due. */
class WellChildNoteTest {

  private final Extraction extraction = Fixtures.extractFixture("well-child-note.txt");

  @Test
  void isDatedOnTheVisitNotTheBirthday() {
    assertThat(extraction.documentDate()).isEqualTo(LocalDate.of(2026, 3, 10));
  }

  @Test
  void readsGrowthAndVitalsWithTheirCodes() {
    assertThat(Fixtures.events(extraction, VitalSign.class))
        .extracting(VitalSign::type, VitalSign::value, VitalSign::unit, VitalSign::loincCode)
        .containsExactly(
            tuple("weight", dec("10.4"), "kg", "29463-7"),
            tuple("height", dec("78.5"), "cm", "8306-3"),
            tuple("head_circumference", dec("46.2"), "cm", "9843-4"),
            tuple("temperature", dec("36.8"), "Cel", "8310-5"),
            tuple("heart_rate", dec("118"), "/min", "8867-4"),
            tuple("respiratory_rate", dec("28"), "/min", "9279-1"));
  }

  @Test
  void readsTheVaccinesGivenTodayAndInThePastButNotTheOnesDue() {
    assertThat(Fixtures.events(extraction, Immunization.class))
        .extracting(Immunization::name, Immunization::cvxCode, Immunization::doseNumber,
            Immunization::lotNumber, Immunization::date)
        .containsExactly(
            tuple("DTaP", "20", 4, null, null),
            tuple("Hib, unspecified formulation", "17", 4, null, null),
            tuple("Pneumococcal conjugate PCV20", "216", 4, null, null),
            tuple("Hepatitis A, unspecified formulation", "85", 1, "HA2291K", null),
            tuple("MMR", "03", 1, null, LocalDate.of(2025, 12, 12)),
            tuple("Varicella", "21", 1, null, LocalDate.of(2025, 12, 12)),
            tuple("Hepatitis B, unspecified formulation", "45", 3, null,
                LocalDate.of(2025, 6, 15)));
  }

  @Test
  void readsThePatientsConditionsButNotTheFamilys() {
    assertThat(Fixtures.events(extraction, Condition.class))
        .extracting(Condition::name, Condition::icd10Code, Condition::status)
        .containsExactly(
            tuple("Otitis media", "H66.90", "resolved"),
            tuple("Atopic dermatitis", "L20.9", "active"));
  }

  @Test
  void nkdaIsNoAllergyAndThePlanGivesTheCream() {
    assertThat(Fixtures.events(extraction, Allergy.class)).isEmpty();
    assertThat(Fixtures.events(extraction, Medication.class))
        .extracting(Medication::name, Medication::rxnormCode, Medication::route,
            Medication::frequency, Medication::status)
        .containsExactly(tuple("Hydrocortisone 1%", "5492", "topical",
            "twice daily as needed for 7 days", "active"));
  }
}
