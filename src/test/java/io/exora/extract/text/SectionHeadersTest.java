package io.exora.extract.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SectionHeadersTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "Medications:                     | MEDICATIONS",
      "DISCHARGE MEDICATIONS            | MEDICATIONS",
      "Medication List:                 | MEDICATIONS",
      "STOP TAKING THESE MEDICATIONS:   | STOPPED_MEDICATIONS",
      "Discontinued Medications:        | STOPPED_MEDICATIONS",
      "Allergies/Intolerances:          | ALLERGIES",
      "Problem List                     | PROBLEMS",
      "Assessment and Plan:             | PROBLEMS",
      "Discharge Diagnoses:             | PROBLEMS",
      "Past Medical History:            | PAST_HISTORY",
      "History of Present Illness:      | NARRATIVE",
      "HOSPITAL COURSE:                 | NARRATIVE",
      "Family History:                  | FAMILY_HISTORY",
      "Review of Systems:               | REVIEW_OF_SYSTEMS",
      "Physical Exam:                   | PHYSICAL_EXAM",
      "Immunizations given today:       | IMMUNIZATIONS",
      "Vaccines due at next visit:      | IMMUNIZATIONS_DUE",
      "Vital Signs at Discharge:        | VITALS",
      "Growth:                          | VITALS",
      "COMPLETE BLOOD COUNT WITH DIFFERENTIAL | LABS",
      "Lipid Panel (fasting):           | LABS",
      "Urinalysis:                      | URINALYSIS",
      "TEST   RESULT   FLAG   UNITS   REFERENCE RANGE | LABS",
      "Follow-up:                       | PLAN",
      "• Plan:                          | PLAN",
      "CODE STATUS:                     | OTHER",
      "PATIENT INFORMATION              | OTHER"})
  void recognisesHeadings(String line, Section section) {
    assertThat(SectionHeaders.detect(line)).map(SectionHeaders.Heading::section).contains(section);
  }

  @ParameterizedTest
  @ValueSource(strings = {"Medications were reviewed with the patient.", "Hypertension",
      "ESSENTIAL HYPERTENSION", "BP: 120/80", "Collected: 03/14/2026", "Hemoglobin 13.5 g/dL",
      "Plan was discussed", "NKDA", "ASPIRIN", "Temp: 36.8 C   HR: 118"})
  void contentIsNotAHeading(String line) {
    assertThat(SectionHeaders.detect(line)).as(line).isEmpty();
  }

  @org.junit.jupiter.api.Test
  void keepsInlineContentAndADateInTheHeading() {
    SectionHeaders.Heading heading = SectionHeaders.detect("Labs (03/12/2026): WBC 5.0").orElseThrow();
    assertThat(heading.section()).isEqualTo(Section.LABS);
    assertThat(heading.rest()).isEqualTo("WBC 5.0");
    assertThat(heading.date()).isEqualTo(LocalDate.of(2026, 3, 12));
  }
}
