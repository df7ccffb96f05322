package io.exora.extract.text;

import static io.exora.extract.text.Fixtures.dec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.exora.clinical.Extraction;
import io.exora.clinical.LabResult;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** A typed lab report: CBC with differential, CMP, lipid panel, HbA1c and TSH. */
class TypedLabReportTest {

  private final Extraction extraction = Fixtures.extractFixture("typed-lab-report.txt");

  @Test
  void readsEveryResultWithItsCodeValueUnitRangeAndInterpretation() {
    assertThat(Fixtures.events(extraction, LabResult.class))
        .extracting(LabResult::name, LabResult::loincCode, LabResult::valueNumeric,
            LabResult::unit, LabResult::referenceLow, LabResult::referenceHigh,
            LabResult::interpretation)
        .containsExactly(
            tuple("WBC", "6690-2", dec("11.2"), "10*3/uL", dec("4.0"), dec("10.5"), "high"),
            tuple("RBC", "789-8", dec("4.12"), "10*6/uL", dec("3.80"), dec("5.10"), "normal"),
            tuple("Hemoglobin", "718-7", dec("11.4"), "g/dL", dec("12.0"), dec("15.5"), "low"),
            tuple("Hematocrit", "4544-3", dec("35.1"), "%", dec("36.0"), dec("46.0"), "low"),
            tuple("MCV", "787-2", dec("85.2"), "fL", dec("80.0"), dec("100.0"), "normal"),
            tuple("MCH", "785-6", dec("27.7"), "pg", dec("27.0"), dec("33.0"), "normal"),
            tuple("MCHC", "786-4", dec("32.5"), "g/dL", dec("32.0"), dec("36.0"), "normal"),
            tuple("RDW", "788-0", dec("14.1"), "%", dec("11.5"), dec("15.0"), "normal"),
            tuple("Platelets", "777-3", dec("265"), "10*3/uL", dec("150"), dec("400"), "normal"),
            tuple("Neutrophils %", "770-8", dec("72"), "%", dec("40"), dec("75"), "normal"),
            tuple("Lymphocytes %", "736-9", dec("20"), "%", dec("20"), dec("45"), "normal"),
            tuple("Neutrophils, absolute", "751-8", dec("8.1"), "10*3/uL", dec("1.8"), dec("7.7"),
                "high"),
            tuple("Glucose, fasting", "1558-6", dec("126"), "mg/dL", dec("70"), dec("99"), "high"),
            tuple("BUN", "3094-0", dec("18"), "mg/dL", dec("7"), dec("20"), "normal"),
            tuple("Creatinine", "2160-0", dec("0.92"), "mg/dL", dec("0.57"), dec("1.00"), "normal"),
            tuple("eGFR", "98979-8", null, "mL/min/{1.73_m2}", dec("59"), null, "normal"),
            tuple("Sodium", "2951-2", dec("139"), "mmol/L", dec("136"), dec("145"), "normal"),
            tuple("Potassium", "2823-3", dec("5.8"), "mmol/L", dec("3.5"), dec("5.1"),
                "critical_high"),
            tuple("Chloride", "2075-0", dec("101"), "mmol/L", dec("98"), dec("107"), "normal"),
            tuple("CO2", "2028-9", dec("24"), "mmol/L", dec("22"), dec("29"), "normal"),
            tuple("Calcium", "17861-6", dec("9.4"), "mg/dL", dec("8.6"), dec("10.3"), "normal"),
            tuple("Protein, total", "2885-2", dec("7.1"), "g/dL", dec("6.0"), dec("8.3"), "normal"),
            tuple("Albumin", "1751-7", dec("4.3"), "g/dL", dec("3.5"), dec("5.0"), "normal"),
            tuple("Bilirubin, total", "1975-2", dec("0.6"), "mg/dL", dec("0.2"), dec("1.2"),
                "normal"),
            tuple("Alkaline phosphatase", "6768-6", dec("88"), "U/L", dec("44"), dec("121"),
                "normal"),
            tuple("ALT", "1742-6", dec("42"), "U/L", dec("0"), dec("32"), "high"),
            tuple("AST", "1920-8", dec("30"), "U/L", dec("0"), dec("40"), "normal"),
            tuple("Cholesterol, total", "2093-3", dec("245"), "mg/dL", null, dec("200"), "high"),
            tuple("Triglycerides", "2571-8", dec("180"), "mg/dL", null, dec("150"), "high"),
            tuple("HDL cholesterol", "2085-9", dec("38"), "mg/dL", dec("39"), null, "low"),
            tuple("LDL cholesterol (calculated)", "13457-7", dec("171"), "mg/dL", null, dec("100"),
                "high"),
            tuple("Hemoglobin A1c", "4548-4", dec("6.9"), "%", dec("4.0"), dec("5.6"), "high"),
            tuple("TSH", "3016-3", dec("2.45"), "u[IU]/mL", dec("0.45"), dec("4.50"), "normal"));
  }

  @Test
  void findsNothingButLabResults() {
    assertThat(extraction.events()).allMatch(LabResult.class::isInstance).hasSize(33);
  }

  @Test
  void theReportIsDatedWhenReportedAndEachResultWhenCollected() {
    assertThat(extraction.documentDate()).isEqualTo(LocalDate.of(2026, 3, 15));
    assertThat(Fixtures.events(extraction, LabResult.class))
        .allSatisfy(l -> assertThat(l.date()).isEqualTo(LocalDate.of(2026, 3, 14)));
  }

  @Test
  void aBoundIsKeptAsTextAndComparedWithItsRange() {
    LabResult egfr = Fixtures.events(extraction, LabResult.class).stream()
        .filter(l -> l.name().equals("eGFR")).findFirst().orElseThrow();
    assertThat(egfr.valueText()).isEqualTo(">60");
    assertThat(egfr.referenceText()).isEqualTo(">59");
  }

  @Test
  void cleanTypedResultsNeedNoReview() {
    assertThat(Fixtures.events(extraction, LabResult.class)).allSatisfy(l -> {
      assertThat(l.evidence().confidence()).isEqualTo(0.95);
      assertThat(l.evidence().requiresReview()).isFalse();
    });
    assertThat(Fixtures.events(extraction, LabResult.class).getFirst().evidence().sourceText())
        .isEqualTo("WBC                           11.2      H      x10^3/uL       4.0-10.5");
  }
}
