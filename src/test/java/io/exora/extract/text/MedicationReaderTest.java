package io.exora.extract.text;

import static io.exora.extract.text.Fixtures.dec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.exora.clinical.Medication;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MedicationReaderTest {

  private static List<Medication> meds(String text) {
    return Fixtures.events(text, Medication.class);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "Metformin 500 mg PO BID                      | oral         | twice daily",
      "Lisinopril 10mg by mouth daily               | oral         | once daily",
      "Ondansetron 4 mg SL q8h prn nausea           | sublingual   | every 8 hours as needed for nausea",
      "Ceftriaxone 1 g IV q24h                      | intravenous  | every 24 hours",
      "Enoxaparin 40 mg subcut once daily           | subcutaneous | once daily",
      "Prednisone 20 mg tablet TID x 5 days         | oral         | three times daily for 5 days",
      "Omeprazole 20 mg capsule QAM                 | oral         | every morning",
      "Trazodone 50 mg QHS                          | null         | at bedtime",
      "Methotrexate 15 mg weekly                    | null         | once weekly",
      "Warfarin 5 mg every other day                | null         | every other day",
      "Timolol 0.5% 1 drop in each eye BID          | ophthalmic   | twice daily",
      "Nicotine 21 mg/24 hr patch daily             | transdermal  | once daily",
      "Ibuprofen 400 mg four times a day            | null         | four times daily"})
  void normalisesRouteAndFrequency(String line, String route, String frequency) {
    assertThat(meds("Medications:\n" + line)).as(line).singleElement().satisfies(m -> {
      assertThat(m.route()).isEqualTo(route.equals("null") ? null : route);
      assertThat(m.frequency()).isEqualTo(frequency);
    });
  }

  @Test
  void readsTheDoseGivenEachTimeApartFromTheStrength() {
    assertThat(meds("Medications:\nAmoxicillin 400 mg/5 mL suspension, give 6 mL PO BID\n"
        + "Albuterol 90 mcg/act inhaler 2 puffs q4h prn\nTake 2 tablets of ibuprofen 200 mg\n"
        + "Acetaminophen 325 mg 1-2 tablets q6h prn"))
        .extracting(Medication::strength, Medication::doseAmount, Medication::doseUnit)
        .containsExactly(
            tuple("400 mg/5 mL", dec("6"), "mL"),
            tuple("90 mcg/actuation", dec("2"), "puff"),
            tuple("200 mg", dec("2"), "tablet"),
            tuple("325 mg", null, null));
  }

  @Test
  void statusComesFromTheSectionAndTheWordsOnTheLine() {
    assertThat(meds("Medications:\nAspirin 81 mg daily\nMetoprolol 25 mg BID - held for low BP\n"
        + "Simvastatin 20 mg - discontinued\nAzithromycin 250 mg daily, course completed\n"
        + "\nSTOP taking these medications:\nNaproxen 500 mg"))
        .extracting(Medication::name, Medication::status)
        .containsExactly(
            tuple("Aspirin 81 mg", "active"),
            tuple("Metoprolol 25 mg", "on_hold"),
            tuple("Simvastatin 20 mg", "stopped"),
            tuple("Azithromycin 250 mg", "completed"),
            tuple("Naproxen 500 mg", "stopped"));
  }

  @Test
  void inAMedicationListANameAloneIsEnoughButWithLowerConfidence() {
    assertThat(meds("Current medications:\n- Aspirin\n- Lisinopril 10 mg daily"))
        .extracting(Medication::name, m -> m.evidence().confidence())
        .containsExactly(tuple("Aspirin", 0.85), tuple("Lisinopril 10 mg", 0.95));
  }

  @Test
  void datesOnTheLineBecomeStartAndEndDates() {
    assertThat(meds("Medications:\nLevothyroxine 50 mcg daily, started 01/10/2026\n"
        + "Prednisone 10 mg daily, stopped on 2026-02-01"))
        .extracting(Medication::startDate, Medication::endDate)
        .containsExactly(
            tuple(java.time.LocalDate.of(2026, 1, 10), null),
            tuple(null, java.time.LocalDate.of(2026, 2, 1)));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "Allergic to penicillin 500 mg.",
      "She denies taking ibuprofen 200 mg.",
      "Not on metformin 500 mg.",
      "Penicillin allergy.",
      "Aspirin was recommended by a friend.",
      "Patient asked about atorvastatin.",
      "Medications:\nTake with food\nRefills: 3\nDispense 30 tablets"})
  void aNameWithoutAMedicationStatementIsNotAMedication(String text) {
    assertThat(meds(text)).as(text).isEmpty();
  }

  @Test
  void twoDrugsOnALineAreReadSeparately() {
    assertThat(meds("He takes lisinopril 10 mg daily and metformin 1000 mg BID."))
        .extracting(Medication::name, Medication::frequency)
        .containsExactly(tuple("Lisinopril 10 mg", "once daily"),
            tuple("Metformin 1000 mg", "twice daily"));
  }
}
