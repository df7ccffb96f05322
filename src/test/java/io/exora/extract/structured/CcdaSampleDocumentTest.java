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

/** The shipped CCD (samples/ccd-pediatric-visit.xml) reads into exactly the events it holds. */
class CcdaSampleDocumentTest {

  private static ReadResult result;

  @BeforeAll
  static void read() {
    result = new CcdaReader().read(Samples.sample("ccd-pediatric-visit.xml"));
  }

  private static <T extends ClinicalEvent> List<ClinicalEvent> only(Class<T> type) {
    return result.extraction().events().stream().filter(type::isInstance).toList();
  }

  @Test
  void documentDateAndReader() {
    assertThat(result.extraction().documentDate()).isEqualTo(date("2025-02-24"));
    assertThat(result.extraction().reader()).isEqualTo("ccda/1");
    assertThat(result.extraction().events()).hasSize(42);
  }

  @Test
  void allergiesWithReactionSeverityAndType() {
    assertEvents(
        only(Allergy.class),
        new Allergy("Amoxicillin", "medication", "Hives", "mild", null, date("2023-10-10"), null),
        new Allergy(
            "Peanut", "food", "Anaphylaxis", "severe", "256349002", date("2023-06-15"), null));
  }

  @Test
  void medicationsWithDoseRouteFrequencyAndStatus() {
    assertEvents(
        only(Medication.class),
        new Medication(
            "200 ACTUAT Albuterol 0.09 MG/ACTUAT Metered Dose Inhaler",
            "745679",
            "0.09 MG/ACTUAT",
            dec("2"),
            "puff",
            "inhalation",
            "every 4 hours as needed",
            date("2024-03-12"),
            null,
            "active",
            date("2024-03-12"),
            null),
        new Medication(
            "120 ACTUAT fluticasone propionate 0.044 MG/ACTUAT Metered Dose Inhaler",
            "895994",
            "0.044 MG/ACTUAT",
            dec("2"),
            "puff",
            "inhalation",
            "twice daily",
            date("2024-03-12"),
            null,
            "active",
            date("2024-03-12"),
            null),
        new Medication(
            "azithromycin 40 MG/ML Oral Suspension",
            "141963",
            "40 MG/ML",
            dec("3.7"),
            "mL",
            "oral",
            "once daily",
            date("2024-11-04"),
            date("2024-11-06"),
            "completed",
            date("2024-11-04"),
            null));
  }

  @Test
  void problemsWithSnomedAndIcd10TranslationsAndStatus() {
    assertEvents(
        only(Condition.class),
        new Condition(
            "Mild intermittent asthma",
            "J45.20",
            "427679007",
            "active",
            date("2024-03-12"),
            date("2024-03-12"),
            null),
        new Condition(
            "Atopic dermatitis",
            "L20.9",
            "24079001",
            "active",
            date("2022-05-05"),
            date("2022-05-10"),
            null),
        new Condition(
            "Acute otitis media",
            "H66.90",
            "3110003",
            "resolved",
            date("2024-11-04"),
            date("2024-11-04"),
            null),
        new Condition(
            "Iron deficiency anemia",
            "D50.9",
            "87522002",
            "active",
            date("2025-02-24"),
            date("2025-02-24"),
            null));
  }

  @Test
  void immunizationsGivenWithCvxDoseAndLot() {
    assertEvents(
        only(Immunization.class),
        new Immunization("DTaP", "20", 4, "AC52B208BA", date("2023-03-01"), null),
        new Immunization("IPV", "10", 3, "X3D941", date("2022-05-30"), null),
        new Immunization("MMR", "03", 1, "Y003587", date("2022-12-01"), null),
        new Immunization("varicella", "21", 1, "Y012244", date("2022-12-01"), null),
        new Immunization(
            "Pneumococcal conjugate PCV 13", "133", 4, "GR8841", date("2022-12-01"), null),
        new Immunization("Hep A, ped/adol, 2 dose", "83", 2, "7HL42", date("2023-06-01"), null),
        new Immunization(
            "Influenza, injectable, quadrivalent, preservative free",
            "150",
            1,
            "UT7431AA",
            date("2023-10-20"),
            null));
  }

  @Test
  void vitalSignsIncludingGrowthAndOneBloodPressure() {
    assertEvents(
        only(VitalSign.class),
        vital("Body height", "height", "96.5", "cm", "8302-2", "2025-02-24"),
        vital("Body weight", "weight", "14.6", "kg", "29463-7", "2025-02-24"),
        vital("Body mass index (BMI) [Ratio]", "bmi", "15.7", "kg/m2", "39156-5", "2025-02-24"),
        vital(
            "Head Occipital-frontal circumference",
            "head_circumference",
            "49.3",
            "cm",
            "9843-4",
            "2025-02-24"),
        vital("Heart rate", "heart_rate", "104", "/min", "8867-4", "2025-02-24"),
        vital("Respiratory rate", "respiratory_rate", "24", "/min", "9279-1", "2025-02-24"),
        vital("Body temperature", "temperature", "36.9", "Cel", "8310-5", "2025-02-24"),
        vital(
            "Oxygen saturation in Arterial blood by Pulse oximetry",
            "oxygen_saturation",
            "99",
            "%",
            "59408-5",
            "2025-02-24"),
        new VitalSign(
            "Blood pressure",
            "blood_pressure",
            dec("94"),
            dec("56"),
            "mm[Hg]",
            "85354-9",
            date("2025-02-24"),
            null),
        vital("Body weight", "weight", "14.1", "kg", "29463-7", "2024-11-04"),
        vital("Body temperature", "temperature", "38.6", "Cel", "8310-5", "2024-11-04"),
        vital("Heart rate", "heart_rate", "128", "/min", "8867-4", "2024-11-04"),
        vital("Respiratory rate", "respiratory_rate", "30", "/min", "9279-1", "2024-11-04"),
        vital(
            "Oxygen saturation in Arterial blood by Pulse oximetry",
            "oxygen_saturation",
            "97",
            "%",
            "59408-5",
            "2024-11-04"));
  }

  @Test
  void resultsWithRangesFlagsBoundsAndCodedValues() {
    assertEvents(
        only(LabResult.class),
        lab(
            "Leukocytes [#/volume] in Blood by Automated count",
            "6690-2",
            "8.4",
            "10*3/uL",
            "5.5",
            "15.5",
            "normal"),
        lab(
            "Erythrocytes [#/volume] in Blood by Automated count",
            "789-8",
            "4.32",
            "10*6/uL",
            "3.90",
            "5.30",
            "normal"),
        lab("Hemoglobin [Mass/volume] in Blood", "718-7", "10.9", "g/dL", "11.5", "13.5", "low"),
        lab(
            "Hematocrit [Volume Fraction] of Blood by Automated count",
            "4544-3",
            "33.1",
            "%",
            "34.0",
            "40.0",
            "low"),
        lab(
            "MCV [Entitic volume] by Automated count",
            "787-2",
            "76.6",
            "fL",
            "75.0",
            "87.0",
            "normal"),
        lab(
            "MCH [Entitic mass] by Automated count",
            "785-6",
            "25.2",
            "pg",
            "24.0",
            "30.0",
            "normal"),
        lab(
            "MCHC [Mass/volume] by Automated count",
            "786-4",
            "32.9",
            "g/dL",
            "31.0",
            "37.0",
            "normal"),
        lab(
            "Erythrocyte distribution width [Ratio] by Automated count",
            "788-0",
            "15.1",
            "%",
            "11.5",
            "14.5",
            "high"),
        lab(
            "Platelets [#/volume] in Blood by Automated count",
            "777-3",
            "312",
            "10*3/uL",
            "150",
            "450",
            "normal"),
        new LabResult(
            "Lead [Mass/volume] in Blood",
            "5671-3",
            null,
            "<2.0",
            "ug/dL",
            null,
            null,
            "<3.5 ug/dL",
            null,
            date("2025-02-24"),
            null),
        lab("Ferritin [Mass/volume] in Serum or Plasma", "2276-4", "8", "ng/mL", "12", "56", "low"),
        new LabResult(
            "Streptococcus pyogenes Ag [Presence] in Throat by Rapid immunoassay",
            "78012-2",
            null,
            "Negative",
            null,
            null,
            null,
            null,
            "normal",
            date("2024-11-04"),
            null));
  }

  @Test
  void everyEventIsConfidentUnreviewedAndPointsAtItsNarrative() {
    assertThat(result.extraction().events())
        .allSatisfy(
            e -> {
              assertThat(e.evidence().confidence()).isEqualTo(0.98);
              assertThat(e.evidence().requiresReview()).isFalse();
            });
    LabResult hemoglobin = (LabResult) only(LabResult.class).get(2);
    assertThat(hemoglobin.evidence().sourceText())
        .isEqualTo("Results, entry 1: Hemoglobin | 10.9 | g/dL | 11.5-13.5 | L | 2025-02-24");
  }

  @Test
  void notesSayWhatWasLeftOut() {
    assertThat(result.notes())
        .containsExactly(
            "Immunizations, entry 8: Influenza, seasonal, injectable, preservative free was not"
                + " given; skipped",
            "Vital Signs, entry 1: vital sign Body mass index (BMI) [Percentile] Per age and sex"
                + " has no Exora vital type; skipped");
  }

  private static VitalSign vital(
      String name, String type, String value, String unit, String loinc, String day) {
    return new VitalSign(name, type, dec(value), null, unit, loinc, date(day), null);
  }

  private static LabResult lab(
      String name,
      String loinc,
      String value,
      String unit,
      String low,
      String high,
      String interpretation) {
    return new LabResult(
        name,
        loinc,
        dec(value),
        null,
        unit,
        dec(low),
        dec(high),
        null,
        interpretation,
        date("2025-02-24"),
        null);
  }
}
