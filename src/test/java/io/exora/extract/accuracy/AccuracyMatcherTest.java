package io.exora.extract.accuracy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.exora.clinical.Allergy;
import io.exora.clinical.ClinicalEvent;
import io.exora.clinical.Condition;
import io.exora.clinical.Evidence;
import io.exora.clinical.Extraction;
import io.exora.clinical.Immunization;
import io.exora.clinical.LabResult;
import io.exora.clinical.Medication;
import io.exora.clinical.VitalSign;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The scoring itself: what is a match, what is counted where, and what a label file may say. */
class AccuracyMatcherTest {

  private static final Evidence EVIDENCE = new Evidence(0.9, false, "source");
  private static final LocalDate DAY = LocalDate.of(2026, 3, 1);

  private static LabelFile.Labels labels(String... lines) {
    return LabelFile.parse("test.labels", "document_date | 2026-03-01\n" + String.join("\n", lines));
  }

  private static AccuracyMatcher.DocumentScore score(LabelFile.Labels labels, ClinicalEvent... events) {
    return AccuracyMatcher.score(labels, new Extraction(DAY, List.of(events), "test"));
  }

  private static LabResult lab(String name, String loinc, String value, String text, String unit) {
    return new LabResult(name, loinc, value == null ? null : new BigDecimal(value), text, unit,
        null, null, null, null, DAY, EVIDENCE);
  }

  private static VitalSign vital(String type, String value, String secondary, String unit) {
    return new VitalSign(type, type, new BigDecimal(value),
        secondary == null ? null : new BigDecimal(secondary), unit, null, DAY, EVIDENCE);
  }

  private static Medication medication(String name, String rxnorm, String strength) {
    return new Medication(name, rxnorm, strength, null, null, null, null, null, null, "active",
        DAY, EVIDENCE);
  }

  private static Condition condition(String name, String icd10) {
    return new Condition(name, icd10, null, "active", null, DAY, EVIDENCE);
  }

  private static Immunization vaccine(String name, String cvx, LocalDate date) {
    return new Immunization(name, cvx, null, null, date, EVIDENCE);
  }

  private static Allergy allergy(String name, String reaction) {
    return new Allergy(name, null, reaction, null, null, DAY, EVIDENCE);
  }

  @Test
  void aLabMatchesOnCodeAndValueAndCountsPerType() {
    var score = score(labels(
            "lab | Hemoglobin | loinc=718-7 | value=13.2 | unit=g/dL",
            "lab | Glucose | loinc=2345-7,2339-0 | value=142"),
        lab("Hgb", "718-7", "13.20", null, "g/dL"),
        lab("Glucose", "2339-0", "142", null, "mg/dL"));
    assertThat(score.byType().get("lab")).isEqualTo(new Tally(2, 0, 0));
    assertThat(score.byType().get("vital")).isEqualTo(Tally.ZERO);
    assertThat(score.byType().get("document_date")).isEqualTo(new Tally(1, 0, 0));
    assertThat(score.attributes()).singleElement()
        .satisfies(a -> assertThat(a.agrees()).isTrue());
  }

  @Test
  void aWrongValueIsAMissAndASpuriousEvent() {
    var score = score(labels("lab | Hemoglobin | loinc=718-7 | value=13.2"),
        lab("Hemoglobin", "718-7", "13.1", null, "g/dL"));
    assertThat(score.byType().get("lab")).isEqualTo(new Tally(0, 1, 1));
    assertThat(score.missed()).singleElement().asString().contains("Hemoglobin");
  }

  @Test
  void aWrongOrMissingCodeDoesNotMatchEvenWithTheRightName() {
    var score = score(labels("medication | Metformin | rxnorm=6809",
            "condition | Hypertension | icd10=I10"),
        medication("Metformin", null, "500 mg"),
        condition("Hypertension", "I15.9"));
    assertThat(score.byType().get("medication")).isEqualTo(new Tally(0, 1, 1));
    assertThat(score.byType().get("condition")).isEqualTo(new Tally(0, 1, 1));
  }

  @Test
  void textValuesCompareIgnoringCaseAndSpaces() {
    var score = score(labels("lab | Nitrite | loinc=5802-4 | value=Positive",
            "lab | Urine RBC | loinc=13945-1 | value=6-10"),
        lab("Nitrite", "5802-4", null, "POSITIVE", null),
        lab("RBC", "13945-1", "6", null, "/[HPF]"));
    assertThat(score.byType().get("lab")).isEqualTo(new Tally(1, 1, 1));
  }

  @Test
  void vitalsMatchOnTypeAndValueAcrossUnits() {
    var score = score(labels(
            "vital | blood_pressure | value=118/70",
            "vital | temperature | value=98.6 | unit=[degF]",
            "vital | weight | value=62 | unit=[lb_av]",
            "vital | heart_rate | value=78"),
        vital("blood_pressure", "118", "70", "mm[Hg]"),
        vital("temperature", "37.0", null, "Cel"),
        vital("weight", "28.12", null, "kg"),
        vital("heart_rate", "87", null, "/min"));
    assertThat(score.byType().get("vital")).isEqualTo(new Tally(3, 1, 1));
  }

  @Test
  void aBloodPressureNeedsBothPressures() {
    var score = score(labels("vital | blood_pressure | value=118/70"),
        vital("blood_pressure", "118", "72", "mm[Hg]"));
    assertThat(score.byType().get("vital")).isEqualTo(new Tally(0, 1, 1));
  }

  @Test
  void eachVaccineDoseIsMatchedOnItsDateAndCvxIgnoresLeadingZeros() {
    var score = score(labels(
            "immunization | MMR | cvx=03 | date=2022-06-15",
            "immunization | DTaP | cvx=20,107 | date=2021-08-12",
            "immunization | DTaP | cvx=20,107 | date=2021-10-14"),
        vaccine("MMR", "3", LocalDate.of(2022, 6, 15)),
        vaccine("DTaP", "20", LocalDate.of(2021, 8, 12)),
        vaccine("DTaP", "20", null));
    assertThat(score.byType().get("immunization")).isEqualTo(new Tally(2, 1, 1));
  }

  @Test
  void allergiesMatchOnNormalisedNameAndScoreTheReaction() {
    var score = score(labels("allergy | Peanut | reaction=hives",
            "allergy | Strawberry | reaction=rash",
            "allergy | Cefaclor"),
        allergy("PEANUTS", "Hives"), allergy("strawberries", "urticaria"),
        allergy("Cephalosporins", null));
    assertThat(score.byType().get("allergy")).isEqualTo(new Tally(2, 1, 1));
    assertThat(score.attributes()).extracting(AccuracyMatcher.Attribute::agrees)
        .containsExactlyInAnyOrder(true, false);
  }

  @Test
  void matchingIsMaximalNotGreedy() {
    // The first label accepts both codes; a greedy pass would give it J45.41 and miss the second.
    var score = score(labels("condition | Asthma | icd10=J45.909,J45.41",
            "condition | Asthma with exacerbation | icd10=J45.41"),
        condition("Moderate persistent asthma with exacerbation", "J45.41"),
        condition("Asthma", "J45.909"));
    assertThat(score.byType().get("condition")).isEqualTo(new Tally(2, 0, 0));
  }

  @Test
  void theDocumentDateIsItsOwnTypeAndAcceptsAnyListedDate() {
    var labels = LabelFile.parse("x.labels", "document_date | 2026-03-02,2026-03-01\n");
    assertThat(AccuracyMatcher.score(labels, new Extraction(DAY, List.of(), "t")).byType()
        .get("document_date")).isEqualTo(new Tally(1, 0, 0));
    assertThat(AccuracyMatcher.score(labels, new Extraction(DAY.minusDays(9), List.of(), "t"))
        .byType().get("document_date")).isEqualTo(new Tally(0, 1, 1));
    assertThat(AccuracyMatcher.score(labels, new Extraction(null, List.of(), "t")).byType()
        .get("document_date")).isEqualTo(new Tally(0, 0, 1));
  }

  @Test
  void precisionRecallAndF1() {
    Tally t = new Tally(8, 2, 8);
    assertThat(t.precision()).isEqualTo(0.8);
    assertThat(t.recall()).isEqualTo(0.5);
    assertThat(t.f1()).isCloseTo(0.6154, org.assertj.core.data.Offset.offset(1e-4));
    assertThat(Tally.ZERO.precision()).isNaN();
    assertThat(new Tally(0, 3, 0).f1()).isNaN();
    assertThat(new Tally(0, 3, 2).f1()).isZero();
  }

  @Test
  void unitsCompareInOneSpelling() {
    assertThat(AccuracyMatcher.canonicalUnit("x10E3/uL")).isEqualTo(AccuracyMatcher.canonicalUnit("10*3/uL"));
    assertThat(AccuracyMatcher.canonicalUnit("10^9/L")).isEqualTo(AccuracyMatcher.canonicalUnit("10*9/L"));
    assertThat(AccuracyMatcher.canonicalUnit("10*9/L")).isNotEqualTo(AccuracyMatcher.canonicalUnit("10*3/uL"));
  }

  @Test
  void malformedLabelsAreErrorsThatNameTheLine() {
    assertThatThrownBy(() -> LabelFile.parse("a.labels", "document_date | 2026-01-01\nlabs | X | value=1"))
        .hasMessageContaining("a.labels:2").hasMessageContaining("unknown event type");
    assertThatThrownBy(() -> LabelFile.parse("a.labels", "document_date | 2026-01-01\nlab | X | loinc=1-8"))
        .hasMessageContaining("needs value=");
    assertThatThrownBy(() -> LabelFile.parse("a.labels", "document_date | 2026-01-01\nvital | pulse | value=80"))
        .hasMessageContaining("unknown vital type");
    assertThatThrownBy(() -> LabelFile.parse("a.labels", "lab | X | value=1"))
        .hasMessageContaining("no document_date");
    assertThatThrownBy(() -> LabelFile.parse("a.labels", "document_date | 01/02/2026"))
        .hasMessageContaining("not a date");
  }
}
