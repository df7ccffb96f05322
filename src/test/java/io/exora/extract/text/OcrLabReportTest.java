package io.exora.extract.text;

import static io.exora.extract.text.Fixtures.dec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.exora.clinical.Extraction;
import io.exora.clinical.LabResult;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/**
 * A scanned lab report through OCR: "l" for 1 and "O" for 0 in numbers, names and dates, a unit
 * with a capital I ("mmoI/L"), spaces inside a number and around a unit's slash, and a row broken
 * over two lines.
 */
class OcrLabReportTest {

  private final Extraction extraction = Fixtures.extractFixture("ocr-lab-report.txt");

  @Test
  void readsThroughTheNoise() {
    assertThat(Fixtures.events(extraction, LabResult.class))
        .extracting(LabResult::name, LabResult::loincCode, LabResult::valueNumeric,
            LabResult::unit, LabResult::referenceText, LabResult::interpretation)
        .containsExactly(
            tuple("Glucose", "2345-7", dec("112"), "mg/dL", "70-99", "high"),
            tuple("Creatinine", "2160-0", dec("1.04"), "mg/dL", "0.70-1.30", "normal"),
            tuple("Sodium", "2951-2", dec("141"), "mmol/L", "136-145", "normal"),
            tuple("Potassium", "2823-3", dec("4.0"), "mmol/L", "3.5-5.1", "normal"),
            tuple("Hemoglobin", "718-7", dec("13.8"), "g/dL", "13.0-17.0", "normal"),
            tuple("Cholesterol, total", "2093-3", dec("218"), "mg/dL", "<200", "high"),
            tuple("HDL cholesterol", "2085-9", dec("45"), "mg/dL", ">40", "normal"),
            tuple("Hemoglobin A1c", "4548-4", dec("7.4"), "%", "4.0-5.6", "high"),
            tuple("TSH", "3016-3", dec("1.92"), "u[IU]/mL", "0.45-4.50", "normal"),
            tuple("Vitamin D, 25-hydroxy", "62292-8", dec("18"), "ng/mL", "30-100", "low"));
    assertThat(extraction.events()).hasSize(10);
  }

  @Test
  void everyCorrectedReadingAsksForReviewAndACleanOneDoesNot() {
    assertThat(Fixtures.events(extraction, LabResult.class)).allSatisfy(l -> {
      boolean clean = l.name().startsWith("Vitamin D");
      assertThat(l.evidence().requiresReview()).as(l.name()).isEqualTo(!clean);
      assertThat(l.evidence().confidence()).as(l.name()).isEqualTo(clean ? 0.95 : 0.85);
    });
  }

  @Test
  void readsTheDatesWithLettersForDigitsAndSkipsTheBirthDate() {
    assertThat(extraction.documentDate()).isEqualTo(LocalDate.of(2026, 2, 4));
    assertThat(Fixtures.events(extraction, LabResult.class))
        .allSatisfy(l -> assertThat(l.date()).isEqualTo(LocalDate.of(2026, 2, 3)));
  }

  @Test
  void aRowBrokenOverTwoLinesIsJoinedAndCitesBothParts() {
    LabResult hemoglobin = Fixtures.events(extraction, LabResult.class).get(4);
    assertThat(hemoglobin.evidence().sourceText()).isEqualTo("Hemoglobin  l3.8 g/dL   13.0-17.0");
  }
}
