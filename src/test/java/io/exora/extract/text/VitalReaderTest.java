package io.exora.extract.text;

import static io.exora.extract.text.Fixtures.dec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.exora.clinical.VitalSign;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class VitalReaderTest {

  private static List<VitalSign> vitals(String text) {
    return Fixtures.events(text, VitalSign.class);
  }

  @Test
  void readsAVitalsRowWithOneLetterLabels() {
    assertThat(vitals("Vitals: T 98.6 P 72 R 16 BP 120/80 SpO2 98% Wt 154 lbs Ht 5'6\" BMI 24.9"))
        .extracting(VitalSign::type, VitalSign::value, VitalSign::secondaryValue, VitalSign::unit,
            VitalSign::loincCode)
        .containsExactly(
            tuple("temperature", dec("98.6"), null, "[degF]", "8310-5"),
            tuple("heart_rate", dec("72"), null, "/min", "8867-4"),
            tuple("respiratory_rate", dec("16"), null, "/min", "9279-1"),
            tuple("blood_pressure", dec("120"), dec("80"), "mm[Hg]", "85354-9"),
            tuple("oxygen_saturation", dec("98"), null, "%", "59408-5"),
            tuple("weight", dec("154"), null, "[lb_av]", "29463-7"),
            tuple("height", dec("66"), null, "[in_i]", "8302-2"),
            tuple("bmi", dec("24.9"), null, "kg/m2", "39156-5"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "Blood pressure: 128/84 mmHg (sitting)   | blood_pressure     | 128  | mm[Hg]",
      "B/P 145/92                              | blood_pressure     | 145  | mm[Hg]",
      "Pulse: 88 bpm                           | heart_rate         | 88   | /min",
      "Temperature 37.9 °C                     | temperature        | 37.9 | Cel",
      "Temp 101.2F                             | temperature        | 101.2| [degF]",
      "O2 sat 94% on room air                  | oxygen_saturation  | 94   | %",
      "Weight: 7 lb 4 oz                       | weight             | 7.25 | [lb_av]",
      "Birth weight 3250 g                     | weight             | 3250 | g",
      "Height: 5 ft 10 in                      | height             | 70   | [in_i]",
      "Height 172 cm                           | height             | 172  | cm",
      "Head circumference 44.5 cm              | head_circumference | 44.5 | cm",
      "Fingerstick glucose 212 mg/dL           | blood_glucose      | 212  | mg/dL",
      "Pain score 6/10                         | pain_score         | 6    | {score}",
      "Resp rate 22 breaths/min                | respiratory_rate   | 22   | /min"})
  void readsEachVitalSign(String text, String type, String value, String unit) {
    assertThat(vitals(text)).as(text).singleElement().satisfies(v -> {
      assertThat(v.type()).isEqualTo(type);
      assertThat(v.value()).isEqualTo(dec(value));
      assertThat(v.unit()).isEqualTo(unit);
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "BP 300/400",
      "HR 900",
      "Temp 150 F",
      "SpO2 140%",
      "T 98.6",
      "P 72",
      "The patient lost 10 lbs over 3 months.",
      "Weight 70",
      "Pain for 3 days",
      "Length of stay 4 days",
      "BP medications were adjusted"})
  void dropsImplausibleValuesBareLettersAndProse(String text) {
    assertThat(vitals(text)).as(text).isEmpty();
  }

  @Test
  void aTemperatureWithoutUnitIsReadByItsValueWithLowerConfidence() {
    assertThat(vitals("Vitals:\nTemp 38.2\nTemp 100.4"))
        .extracting(VitalSign::unit, v -> v.evidence().confidence())
        .containsExactly(tuple("Cel", 0.85), tuple("[degF]", 0.85));
  }

  @Test
  void ocrDigitsAreReadAndReviewed() {
    assertThat(vitals("Vitals:\nBP l2O/8O")).singleElement().satisfies(v -> {
      assertThat(v.value()).isEqualTo(dec("120"));
      assertThat(v.secondaryValue()).isEqualTo(dec("80"));
      assertThat(v.evidence().requiresReview()).isTrue();
    });
  }
}
