package io.exora.extract.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Dates, numbers and OCR digits: the shared parsing under every reader. */
class DatesTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "2026-03-14           | 2026-03-14",
      "2026/3/4             | 2026-03-04",
      "03/14/2026           | 2026-03-14",
      "3/14/26              | 2026-03-14",
      "14/03/2026           | 2026-03-14",
      "14.03.2026           | 2026-03-14",
      "03-14-2026           | 2026-03-14",
      "14 Mar 2026          | 2026-03-14",
      "14-Mar-2026          | 2026-03-14",
      "14th March 2026      | 2026-03-14",
      "March 14, 2026       | 2026-03-14",
      "Mar. 14 2026         | 2026-03-14",
      "Sept 3, 2025         | 2025-09-03",
      "O3/l4/2O26           | 2026-03-14",
      "DOB 07/22/79         | 1979-07-22"})
  void readsTheUsualFormats(String text, String expected) {
    assertThat(Dates.first(text)).map(Dates.Found::date).contains(LocalDate.parse(expected));
  }

  @ParameterizedTest
  @ValueSource(strings = {"4.0-5.5", "120/80", "3/10", "02/30/2026", "13/13/2026", "March 2026",
      "1.005-1.030", "12-14-26", "Page 1 of 2", "x10^3/uL", "2026"})
  void ignoresWhatIsNotACalendarDate(String text) {
    assertThat(Dates.findAll(text)).as(text).isEmpty();
  }

  @Test
  void anOcrCorrectionIsReported() {
    assertThat(Dates.first("O3/14/2026").orElseThrow().ocrCorrected()).isTrue();
    assertThat(Dates.first("03/14/2026").orElseThrow().ocrCorrected()).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "l3.5    | 13.5   | true",
      "1O.2    | 10.2   | true",
      "4.O     | 4.0    | true",
      "I5      | 15     | true",
      "13,5    | 13.5   | false",
      "250,000 | 250000 | false",
      ".5      | 0.5    | false",
      "<0.5    | 0.5    | false"})
  void readsNumbersThroughOcrLookAlikes(String text, String value, boolean corrected) {
    Numbers.Num n = Numbers.at(OcrDigits.of(text), 0).orElseThrow();
    assertThat(n.value()).isEqualTo(new BigDecimal(value));
    assertThat(n.ocrCorrected()).isEqualTo(corrected);
  }

  @Test
  void lettersNextToLettersAreLeftAlone() {
    assertThat(OcrDigits.of("CO2 24, T4 1.1, 10lbs, Iol").text())
        .isEqualTo("CO2 24, T4 1.1, 10lbs, Iol");
  }

  @Test
  void aComparatorIsKept() {
    assertThat(Numbers.at(OcrDigits.of(">= 60"), 0).orElseThrow().text()).isEqualTo(">=60");
  }

  @Test
  void theDocumentDateFollowsLabelsAndSkipsBirthDates() {
    assertThat(Fixtures.extract("DOB: 01/02/1980\nCollected: 03/14/2026\nReported: 03/15/2026")
        .documentDate()).isEqualTo(LocalDate.of(2026, 3, 15));
    assertThat(Fixtures.extract("DOB: 01/02/1980\nVisit date: 2026-03-10\nSigned 2026-03-12")
        .documentDate()).isEqualTo(LocalDate.of(2026, 3, 10));
    assertThat(Fixtures.extract("Lakeside Clinic\nMarch 14, 2026\n\nDear Dr. Lee,")
        .documentDate()).isEqualTo(LocalDate.of(2026, 3, 14));
    assertThat(Fixtures.extract("DOB: 01/02/1980\nNext visit due 04/01/2026").documentDate())
        .isNull();
  }
}
