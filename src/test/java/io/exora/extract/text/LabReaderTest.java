package io.exora.extract.text;

import static io.exora.extract.text.Fixtures.dec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.exora.clinical.LabResult;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Lab rows as laboratories print them, one at a time. */
class LabReaderTest {

  private static List<LabResult> labs(String text) {
    return Fixtures.events(text, LabResult.class);
  }

  private static LabResult onlyLab(String text) {
    List<LabResult> labs = labs(text);
    assertThat(labs).as(text).hasSize(1);
    return labs.getFirst();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "Hemoglobin 13.5 g/dL 12.0-16.0          | 13.5 | g/dL    | 12.0 | 16.0 | 12.0-16.0 | normal",
      "Hemoglobin: 11.2 L g/dL (12.0 - 16.0)    | 11.2 | g/dL    | 12.0 | 16.0 | 12.0-16.0 | low",
      "WBC 11.2 x10^3/uL (4.0-10.5) H           | 11.2 | 10*3/uL | 4.0  | 10.5 | 4.0-10.5  | high",
      "WBC 5.1 K/uL 4.0 to 10.5                 | 5.1  | 10*3/uL | 4.0  | 10.5 | 4.0-10.5  | normal",
      "Glucose, Fasting: 105 mg/dL (H) Ref: 70-99 | 105 | mg/dL  | 70   | 99   | 70-99     | high",
      "Glucose 60 mg/dl [70-99]                 | 60   | mg/dL   | 70   | 99   | 70-99     | low",
      "Cholesterol, Total 245 H <200 mg/dL      | 245  | mg/dL   |      | 200  | <200      | high",
      "Cholesterol 200 mg/dL < 200              | 200  | mg/dL   |      | 200  | <200      | high",
      "Cholesterol 200 mg/dL <= 200             | 200  | mg/dL   |      | 200  | <=200     | normal",
      "HDL 65 mg/dL > 40                        | 65   | mg/dL   | 40   |      | >40       | normal",
      "Potassium 6.6 mmol/L 3.5-5.1 HH          | 6.6  | mmol/L  | 3.5  | 5.1  | 3.5-5.1   | critical_high",
      "Potassium 2.4 mEq/L 3.5-5.1 LL           | 2.4  | meq/L   | 3.5  | 5.1  | 3.5-5.1   | critical_low",
      "Sodium 128 * mmol/L 136-145              | 128  | mmol/L  | 136  | 145  | 136-145   | low",
      "Creatinine 1.4 High 0.6-1.2 mg/dL        | 1.4  | mg/dL   | 0.6  | 1.2  | 0.6-1.2   | high",
      "Glucose 6.1 mmol/L 3.9-5.5               | 6.1  | mmol/L  | 3.9  | 5.5  | 3.9-5.5   | high",
      "TSH 2.45 uIU/mL 0.45-4.50                | 2.45 | u[IU]/mL| 0.45 | 4.50 | 0.45-4.50 | normal",
      "Ferritin.......... 8 ng/mL ...... 15-150 | 8    | ng/mL   | 15   | 150  | 15-150    | low",
      "ESR 32 mm/hr 0-20                        | 32   | mm/h    | 0    | 20   | 0-20      | high",
      "Platelets 250,000 /uL 150,000-400,000    | 250000 | /uL   | 150000 | 400000 | 150000-400000 | normal",
      "Hemoglobin 13,5 g/dL 12,0-16,0           | 13.5 | g/dL    | 12.0 | 16.0 | 12.0-16.0 | normal"})
  void readsValueUnitRangeAndInterpretation(String row, String value, String unit, String low,
      String high, String rangeText, String interpretation) {
    LabResult lab = onlyLab("Results:\n" + row);
    assertThat(lab.valueNumeric()).isEqualTo(dec(value));
    assertThat(lab.unit()).isEqualTo(unit);
    assertThat(lab.referenceLow()).isEqualTo(low == null ? null : dec(low));
    assertThat(lab.referenceHigh()).isEqualTo(high == null ? null : dec(high));
    assertThat(lab.referenceText()).isEqualTo(rangeText);
    assertThat(lab.interpretation()).isEqualTo(interpretation);
  }

  @Test
  void sharedNamesAreToldApartByUnit() {
    assertThat(labs("Results:\nNeutrophils 60 % 40-75\nNeutrophils 3.9 x10^9/L 1.8-7.7\n"
        + "Glucose 5.4 mmol/L 3.9-5.5\nHbA1c 53 mmol/mol 20-42"))
        .extracting(LabResult::name, LabResult::loincCode)
        .containsExactly(tuple("Neutrophils %", "770-8"),
            tuple("Neutrophils, absolute", "751-8"), tuple("Glucose", "14749-6"),
            tuple("Hemoglobin A1c", "59261-8"));
  }

  @Test
  void aUrinalysisSectionReadsQualitativeResultsAgainstTheirExpectedValue() {
    assertThat(labs("URINALYSIS\nColor Yellow\nProtein Negative (Negative)\n"
        + "Glucose Trace (Negative)\nNitrite Positive\nSpecific Gravity 1.020 1.005-1.030\n"
        + "pH 6.0 5.0-8.0\nWBC 10-20 /hpf"))
        .extracting(LabResult::name, LabResult::loincCode, LabResult::valueText,
            LabResult::valueNumeric, LabResult::interpretation)
        .containsExactly(
            tuple("Urine color", "5778-6", "Yellow", null, null),
            tuple("Urine protein", "5804-0", "Negative", null, "normal"),
            tuple("Urine glucose", "5792-7", "Trace", null, "abnormal"),
            tuple("Urine nitrite", "5802-4", "Positive", null, null),
            tuple("Urine specific gravity", "5811-5", null, dec("1.020"), "normal"),
            tuple("Urine pH", "5803-2", null, dec("6.0"), "normal"),
            tuple("Urine WBC", "5821-4", "10-20", null, null));
  }

  @Test
  void outsideALabSectionANumberNeedsAUnitOrARange() {
    assertThat(labs("Glucose 105 mg/dL today.")).hasSize(1);
    assertThat(labs("INR 2.4 (2.0-3.0) on warfarin.")).hasSize(1);
    assertThat(labs("LDL 160 at last check.")).isEmpty();
    assertThat(labs("Results:\nLDL 160")).singleElement()
        .satisfies(l -> assertThat(l.evidence().requiresReview()).isTrue());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "Iron 325 mg daily",
      "Hemoglobin A1c (83036) $38.50",
      "Glucose test kit 50 count $24.99",
      "Results:\nGlucose 105 98 110",
      "Results:\nGlucose pending",
      "Calcium 600 mg with vitamin D twice daily",
      "Protein 20 g per serving",
      "Potassium chloride 20 mEq tablet"})
  void doesNotMistakeDosesPricesOrAmbiguousRowsForResults(String text) {
    assertThat(labs(text)).as(text).isEmpty();
  }

  @Test
  void aRowsOwnDateWinsOverTheCollectionDate() {
    LabResult lab = onlyLab("Collected: 03/14/2026\nResults:\nHbA1c 7.2 % 4.0-5.6 01/02/2026");
    assertThat(lab.date()).isEqualTo(java.time.LocalDate.of(2026, 1, 2));
  }

  @Test
  void aMissingUnitOrRangeLowersConfidence() {
    LabResult full = onlyLab("Results:\nTSH 2.1 uIU/mL 0.45-4.5");
    LabResult noRange = onlyLab("Results:\nTSH 2.1 uIU/mL");
    LabResult noUnit = onlyLab("Results:\nTSH 2.1 0.45-4.5");
    assertThat(full.evidence().confidence()).isGreaterThan(noRange.evidence().confidence());
    assertThat(noRange.evidence().confidence()).isGreaterThan(noUnit.evidence().confidence());
    assertThat(noUnit.evidence().requiresReview()).isTrue();
    assertThat(noRange.evidence().requiresReview()).isFalse();
  }
}
