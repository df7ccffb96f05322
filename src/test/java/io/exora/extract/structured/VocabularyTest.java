package io.exora.extract.structured;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** The small mappings both readers share: timestamps, frequencies, strengths, routes, flags. */
class VocabularyTest {

  @Test
  void datesAreTheDayAsWrittenAndNeverInvented() {
    assertThat(Hl7Dates.fromV3("20250224233000-0500")).isEqualTo(LocalDate.of(2025, 2, 24));
    assertThat(Hl7Dates.fromV3("20250224")).isEqualTo(LocalDate.of(2025, 2, 24));
    assertThat(Hl7Dates.fromV3("202502")).isNull();
    assertThat(Hl7Dates.fromV3("20250230")).isNull();
    assertThat(Hl7Dates.fromV3("abc")).isNull();
    assertThat(Hl7Dates.fromFhir("2025-01-16T23:30:00-06:00")).isEqualTo(LocalDate.of(2025, 1, 16));
    assertThat(Hl7Dates.fromFhir("2016-03")).isNull();
    assertThat(Hl7Dates.fromFhir("2016")).isNull();
  }

  @Test
  void frequenciesReadLikeAPrescription() {
    assertThat(DoseFrequency.everyPeriod(new BigDecimal("12"), "h", true)).isEqualTo("twice daily");
    assertThat(DoseFrequency.everyPeriod(new BigDecimal("8"), "h", true))
        .isEqualTo("three times daily");
    assertThat(DoseFrequency.everyPeriod(new BigDecimal("6"), "h", true))
        .isEqualTo("four times daily");
    assertThat(DoseFrequency.everyPeriod(new BigDecimal("24"), "h", true)).isEqualTo("once daily");
    assertThat(DoseFrequency.everyPeriod(new BigDecimal("5"), "h", true))
        .isEqualTo("every 5 hours");
    assertThat(DoseFrequency.everyPeriod(new BigDecimal("12"), "h", false))
        .isEqualTo("every 12 hours");
    assertThat(DoseFrequency.everyPeriod(new BigDecimal("1"), "h", false)).isEqualTo("every hour");
    assertThat(DoseFrequency.everyPeriod(new BigDecimal("1"), "d", false)).isEqualTo("once daily");
    assertThat(DoseFrequency.everyPeriod(new BigDecimal("2"), "d", false))
        .isEqualTo("every 2 days");
    assertThat(DoseFrequency.everyPeriod(new BigDecimal("1"), "wk", false))
        .isEqualTo("once weekly");
    assertThat(DoseFrequency.everyPeriod(new BigDecimal("0.5"), "d", false))
        .isEqualTo("every 0.5 days");
    assertThat(DoseFrequency.everyPeriod(new BigDecimal("3"), "fortnight", false)).isNull();
    assertThat(DoseFrequency.everyPeriod(BigDecimal.ZERO, "h", false)).isNull();
    assertThat(DoseFrequency.timesPerPeriod(2, BigDecimal.ONE, "d")).isEqualTo("twice daily");
    assertThat(DoseFrequency.timesPerPeriod(6, BigDecimal.ONE, "d")).isEqualTo("6 times daily");
    assertThat(DoseFrequency.timesPerPeriod(3, BigDecimal.ONE, "wk"))
        .isEqualTo("three times weekly");
    assertThat(DoseFrequency.timesPerPeriod(2, new BigDecimal("3"), "d"))
        .isEqualTo("2 times every 3 days");
    assertThat(DoseFrequency.timesPerPeriod(1, new BigDecimal("4"), "h"))
        .isEqualTo("every 4 hours");
    assertThat(DoseFrequency.atEvent("acm")).isEqualTo("before breakfast");
    assertThat(DoseFrequency.fromTimingCode("BID")).isEqualTo("twice daily");
  }

  @Test
  void strengthIsTakenFromTheRxNormName() {
    assertThat(MedicationStrength.fromName("Lisinopril 10 MG Oral Tablet")).isEqualTo("10 MG");
    assertThat(
            MedicationStrength.fromName(
                "24 HR metformin hydrochloride 500 MG Extended Release Oral Tablet"))
        .isEqualTo("500 MG");
    assertThat(
            MedicationStrength.fromName("200 ACTUAT Albuterol 0.09 MG/ACTUAT Metered Dose Inhaler"))
        .isEqualTo("0.09 MG/ACTUAT");
    assertThat(
            MedicationStrength.fromName(
                "amoxicillin 400 MG / clavulanate 57 MG per 5 ML Oral Suspension"))
        .isEqualTo("400 MG / 57 MG");
    assertThat(MedicationStrength.fromName("Insulin Glargine 100 UNT/ML Injectable Solution"))
        .isEqualTo("100 UNT/ML");
    assertThat(MedicationStrength.fromName("Ventolin HFA")).isNull();
  }

  @Test
  void routesAndInterpretations() {
    assertThat(Routes.normalise("RESPIRATORY (INHALATION)")).isEqualTo("inhalation");
    assertThat(Routes.normalise("Oral route")).isEqualTo("oral");
    assertThat(Routes.normalise("Topical use")).isEqualTo("topical");
    assertThat(Interpretations.of("hh")).isEqualTo("critical_high");
    assertThat(Interpretations.of("AA")).isEqualTo("abnormal");
    assertThat(Interpretations.of("POS")).isNull();
    assertThat(AllergySeverity.worst("moderate", "mild")).isEqualTo("moderate");
    assertThat(AllergySeverity.worst(null, "severe")).isEqualTo("severe");
    assertThat(AllergySeverity.fromWord("Life-threatening")).isEqualTo("life_threatening");
    assertThat(CodeSystem.fromUri("urn:oid:2.16.840.1.113883.6.1")).isEqualTo(CodeSystem.LOINC);
    assertThat(CodeSystem.fromUri("http://example.org/local")).isEqualTo(CodeSystem.OTHER);
  }

  @Test
  void numbersOutsideAnyMeasurementAreAbsent() {
    assertThat(Decimals.parse("12.80")).isEqualByComparingTo("12.8");
    assertThat(Decimals.parse("12.80").scale()).isEqualTo(2);
    assertThat(Decimals.parse("1e999999999")).isNull();
    assertThat(Decimals.parse("1" + "0".repeat(60))).isNull();
    assertThat(Decimals.parse("twelve")).isNull();
  }
}
