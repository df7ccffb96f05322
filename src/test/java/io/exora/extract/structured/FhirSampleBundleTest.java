package io.exora.extract.structured;

import static io.exora.extract.structured.Samples.assertEvents;
import static io.exora.extract.structured.Samples.date;
import static io.exora.extract.structured.Samples.dec;
import static org.assertj.core.api.Assertions.assertThat;

import io.exora.clinical.Allergy;
import io.exora.clinical.ClinicalEvent;
import io.exora.clinical.Condition;
import io.exora.clinical.Immunization;
import io.exora.clinical.LabResult;
import io.exora.clinical.Medication;
import io.exora.clinical.VitalSign;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The shipped FHIR Bundle (samples/fhir-bundle-adult.json) reads into exactly its events. */
class FhirSampleBundleTest {

  private static ReadResult result;

  @BeforeAll
  static void read() {
    result = new FhirBundleReader().read(Samples.sample("fhir-bundle-adult.json"));
  }

  private static <T extends ClinicalEvent> List<ClinicalEvent> only(Class<T> type) {
    return result.extraction().events().stream().filter(type::isInstance).toList();
  }

  @Test
  void documentDateIsTheBundleTimestampAsWritten() {
    assertThat(result.extraction().documentDate()).isEqualTo(date("2025-01-16"));
    assertThat(result.extraction().reader()).isEqualTo("fhir-r4/1");
    assertThat(result.extraction().events()).hasSize(22);
  }

  @Test
  void vitalSignsWithTheBloodPressurePanelAsOneEvent() {
    assertEvents(
        only(VitalSign.class),
        new VitalSign(
            "Blood pressure",
            "blood_pressure",
            dec("138"),
            dec("86"),
            "mm[Hg]",
            "85354-9",
            date("2025-01-16"),
            null),
        new VitalSign(
            "Heart rate",
            "heart_rate",
            dec("72"),
            null,
            "/min",
            "8867-4",
            date("2025-01-16"),
            null),
        new VitalSign(
            "Body height", "height", dec("176.9"), null, "cm", "8302-2", date("2025-01-16"), null),
        new VitalSign(
            "Body weight", "weight", dec("94.2"), null, "kg", "29463-7", date("2025-01-16"), null),
        new VitalSign(
            "Body mass index (BMI) [Ratio]",
            "bmi",
            dec("30.1"),
            null,
            "kg/m2",
            "39156-5",
            date("2025-01-16"),
            null));
  }

  @Test
  void laboratoryObservationsWithRangesAndInterpretation() {
    assertEvents(
        only(LabResult.class),
        new LabResult(
            "Hemoglobin A1c/Hemoglobin.total in Blood",
            "4548-4",
            dec("7.4"),
            null,
            "%",
            dec("4.0"),
            dec("5.6"),
            null,
            "high",
            date("2025-01-14"),
            null),
        new LabResult(
            "Cholesterol in LDL [Mass/volume] in Serum or Plasma by calculation",
            "13457-7",
            dec("118"),
            null,
            "mg/dL",
            null,
            null,
            "<100 mg/dL",
            "high",
            date("2025-01-14"),
            null),
        new LabResult(
            "Creatinine [Mass/volume] in Serum or Plasma",
            "2160-0",
            dec("1.02"),
            null,
            "mg/dL",
            dec("0.74"),
            dec("1.35"),
            null,
            "normal",
            date("2025-01-14"),
            null),
        new LabResult(
            "Potassium [Moles/volume] in Serum or Plasma",
            "2823-3",
            dec("4.4"),
            null,
            "mmol/L",
            dec("3.5"),
            dec("5.1"),
            null,
            "normal",
            date("2025-01-14"),
            null),
        new LabResult(
            "Hepatitis C virus Ab [Presence] in Serum or Plasma by Immunoassay",
            "13955-0",
            null,
            "Negative",
            null,
            null,
            null,
            "Negative",
            "normal",
            date("2025-01-14"),
            null));
  }

  @Test
  void medicationsInlineContainedAndReferenced() {
    assertEvents(
        only(Medication.class),
        new Medication(
            "24 HR metformin hydrochloride 500 MG Extended Release Oral Tablet",
            "860975",
            "500 MG",
            dec("2"),
            "tablet",
            "oral",
            "once daily with dinner",
            date("2016-03-15"),
            null,
            "active",
            date("2025-01-16"),
            null),
        new Medication(
            "ibuprofen 200 MG Oral Tablet",
            "310965",
            "200 MG",
            dec("2"),
            "tablet",
            "oral",
            "every 6 hours as needed",
            date("2024-05-01"),
            date("2024-05-14"),
            "stopped",
            date("2024-05-14"),
            null),
        new Medication(
            "lisinopril 10 MG Oral Tablet",
            "314076",
            "10 MG",
            dec("1"),
            "tablet",
            "oral",
            "once daily",
            date("2025-01-16"),
            null,
            "active",
            date("2025-01-16"),
            null),
        new Medication(
            "atorvastatin 80 MG Oral Tablet",
            "259255",
            "80 MG",
            dec("1"),
            "tablet",
            "oral",
            "once daily at bedtime",
            date("2025-01-16"),
            null,
            "active",
            date("2025-01-16"),
            null));
  }

  @Test
  void conditionsWithBothCodeSystemsAndClinicalStatus() {
    assertEvents(
        only(Condition.class),
        new Condition(
            "Type 2 diabetes mellitus",
            "E11.9",
            "44054006",
            "active",
            date("2016-03-02"),
            date("2016-03-15"),
            null),
        new Condition(
            "Essential hypertension",
            "I10",
            "59621000",
            "active",
            date("2019-08-20"),
            date("2019-08-20"),
            null),
        new Condition(
            "Hyperlipidemia",
            "E78.5",
            "55822004",
            "active",
            date("2019-08-20"),
            date("2019-08-20"),
            null),
        new Condition(
            "Acute bronchitis",
            "J20.9",
            "10509002",
            "resolved",
            date("2024-02-06"),
            date("2024-02-06"),
            null));
  }

  @Test
  void allergiesWithCategoryReactionAndSeverity() {
    assertEvents(
        only(Allergy.class),
        new Allergy(
            "Penicillin", "medication", "Hives", "moderate", "373270004", date("2016-03-15"), null),
        new Allergy(
            "Latex",
            "environmental",
            "Contact dermatitis",
            "mild",
            "111088007",
            date("2020-09-01"),
            null));
  }

  @Test
  void immunizationsGivenOnly() {
    assertEvents(
        only(Immunization.class),
        new Immunization(
            "Influenza, seasonal, injectable, preservative free",
            "140",
            1,
            "FL4927",
            date("2024-10-08"),
            null),
        new Immunization("Tdap", "115", 1, "TD81X2", date("2021-06-14"), null));
  }

  @Test
  void evidenceNamesTheResource() {
    assertThat(result.extraction().events())
        .allSatisfy(
            e -> {
              assertThat(e.evidence().confidence()).isEqualTo(0.98);
              assertThat(e.evidence().requiresReview()).isFalse();
            });
    assertThat(only(VitalSign.class).get(0).evidence().sourceText())
        .isEqualTo("Observation/bp-20250116: 138/86");
    assertThat(only(Medication.class).get(2).evidence().sourceText())
        .isEqualTo("MedicationRequest/medreq-lisinopril: Take 1 tablet by mouth once daily");
  }

  @Test
  void notesCountUnmappedResourcesAndSkippedOnes() {
    assertThat(result.notes())
        .containsExactly(
            "Immunization/imm-covid-2025: not given (status not-done); skipped",
            "ignored 2 resources of types this reader does not map: Observation (social-history)"
                + " x1, Procedure x1");
  }
}
