package io.exora.extract.structured;

import static io.exora.extract.structured.CcdaFixtures.allergies;
import static io.exora.extract.structured.CcdaFixtures.allergyEntry;
import static io.exora.extract.structured.CcdaFixtures.document;
import static io.exora.extract.structured.CcdaFixtures.immunizationEntry;
import static io.exora.extract.structured.CcdaFixtures.immunizations;
import static io.exora.extract.structured.CcdaFixtures.medicationEntry;
import static io.exora.extract.structured.CcdaFixtures.medications;
import static io.exora.extract.structured.CcdaFixtures.problemEntry;
import static io.exora.extract.structured.CcdaFixtures.problems;
import static io.exora.extract.structured.CcdaFixtures.reaction;
import static io.exora.extract.structured.CcdaFixtures.resultEntry;
import static io.exora.extract.structured.CcdaFixtures.results;
import static io.exora.extract.structured.CcdaFixtures.vitalObservation;
import static io.exora.extract.structured.CcdaFixtures.vitalOrganizer;
import static io.exora.extract.structured.CcdaFixtures.vitals;
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
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** C-CDA content the sample does not hold: null flavors, negation, translations, odd timing. */
class CcdaReaderTest {

  private final CcdaReader reader = new CcdaReader();

  private List<ClinicalEvent> events(byte[] doc) {
    return reader.read(doc).extraction().events();
  }

  @Test
  void aResultWithANullFlavorValueIsKeptForReviewWithTheReasonInWords() {
    List<ClinicalEvent> events =
        events(
            results(
                resultEntry(
                    "<code code=\"2345-7\" codeSystem=\"2.16.840.1.113883.6.1\""
                        + " displayName=\"Glucose [Mass/volume] in Serum or Plasma\"/>",
                    "<value xsi:type=\"PQ\" nullFlavor=\"NI\"/>")));

    assertEvents(
        events,
        new LabResult(
            "Glucose [Mass/volume] in Serum or Plasma",
            "2345-7",
            null,
            "no information",
            null,
            null,
            null,
            null,
            null,
            date("2024-12-20"),
            null));
    assertThat(events.get(0).evidence().requiresReview()).isTrue();
  }

  @Test
  void aLocallyCodedResultTakesItsLoincCodeFromATranslation() {
    List<ClinicalEvent> events =
        events(
            results(
                resultEntry(
                    """
                    <code code="HGB" codeSystem="2.16.840.1.113883.19.5.99999.5" displayName="Hgb">
                      <translation code="718-7" codeSystem="2.16.840.1.113883.6.1" displayName="Hemoglobin [Mass/volume] in Blood"/>
                    </code>\
                    """,
                    "<value xsi:type=\"PQ\" value=\"13.2\" unit=\"g/dL\"/><interpretationCode"
                        + " code=\"HH\"/>")));

    assertEvents(
        events,
        new LabResult(
            "Hgb",
            "718-7",
            dec("13.2"),
            null,
            "g/dL",
            null,
            null,
            null,
            "critical_high",
            date("2024-12-20"),
            null));
    assertThat(events.get(0).evidence().requiresReview()).isFalse();
  }

  @Test
  void aResultNamedOnlyByItsCodeGetsTheCodeAsNameAndNeedsReview() {
    List<ClinicalEvent> events =
        events(
            results(
                resultEntry(
                    "<code code=\"2345-7\" codeSystem=\"2.16.840.1.113883.6.1\"/>",
                    "<value xsi:type=\"REAL\" value=\"5.4\"/>")));

    assertThat(events)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.name()).isEqualTo("LOINC 2345-7");
              assertThat(e.evidence().requiresReview()).isTrue();
            });
  }

  @Test
  void boundedAndTextualValuesStayText() {
    List<ClinicalEvent> events =
        events(
            results(
                resultEntry(
                        "<code code=\"1988-5\" codeSystem=\"2.16.840.1.113883.6.1\""
                            + " displayName=\"CRP\"/>",
                        "<value xsi:type=\"IVL_PQ\"><low value=\"300\" unit=\"mg/L\""
                            + " inclusive=\"false\"/></value>")
                    + resultEntry(
                        "<code code=\"5778-6\" codeSystem=\"2.16.840.1.113883.6.1\""
                            + " displayName=\"Color of Urine\"/>",
                        "<value xsi:type=\"ST\">  pale\n yellow </value>")
                    + resultEntry(
                        "<code code=\"33914-3\" codeSystem=\"2.16.840.1.113883.6.1\""
                            + " displayName=\"eGFR\"/>",
                        "<value xsi:type=\"IVL_PQ\"><low value=\"60\""
                            + " unit=\"mL/min/{1.73_m2}\"/></value>")));

    assertThat(events)
        .extracting(e -> ((LabResult) e).valueText())
        .containsExactly(">300", "pale yellow", ">=60");
    assertThat(events).extracting(e -> ((LabResult) e).valueNumeric()).containsOnlyNulls();
    assertThat(events)
        .extracting(e -> ((LabResult) e).unit())
        .containsExactly("mg/L", null, "mL/min/{1.73_m2}");
  }

  @Test
  void aVitalSignWithoutAValueIsSkippedWithANote() {
    ReadResult result =
        reader.read(
            vitals(
                vitalOrganizer(
                    """
                    <component><observation classCode="OBS" moodCode="EVN">
                      <code code="29463-7" codeSystem="2.16.840.1.113883.6.1" displayName="Body weight"/>
                      <statusCode code="completed"/>
                      <value xsi:type="PQ" nullFlavor="UNK"/>
                    </observation></component>\
                    """
                        + vitalObservation("8867-4", "80", "/min"))));

    assertEvents(
        result.extraction().events(),
        new VitalSign(
            "LOINC 8867-4",
            "heart_rate",
            dec("80"),
            null,
            "/min",
            "8867-4",
            date("2024-12-01"),
            null));
    assertThat(result.notes())
        .containsExactly(
            "Vital Signs, entry 1: vital sign Body weight has no numeric value; skipped");
  }

  @Test
  void aSystolicPressureWithoutItsDiastolicIsNotABloodPressure() {
    ReadResult result =
        reader.read(vitals(vitalOrganizer(vitalObservation("8480-6", "120", "mm[Hg]"))));

    assertThat(result.extraction().events()).isEmpty();
    assertThat(result.notes())
        .containsExactly(
            "Vital Signs, entry 1: a blood pressure needs both a systolic and a diastolic value;"
                + " skipped");
  }

  @Test
  void bloodPressuresArePairedWithinTheirOwnOrganizer() {
    List<ClinicalEvent> events =
        events(
            vitals(
                vitalOrganizer(
                        vitalObservation("8480-6", "120", "mm[Hg]")
                            + vitalObservation("8462-4", "80", "mm[Hg]"))
                    + vitalOrganizer(
                        vitalObservation("8462-4", "70", "mm[Hg]")
                            + vitalObservation("8480-6", "110", "mm[Hg]"))));

    assertThat(events)
        .extracting(e -> ((VitalSign) e).value() + "/" + ((VitalSign) e).secondaryValue())
        .containsExactly("120/80", "110/70");
  }

  @Test
  void medicationTimingStatusAndNegation() {
    ReadResult result =
        reader.read(
            medications(
                medicationEntry(
                        "",
                        "active",
                        """
                        <effectiveTime xsi:type="IVL_TS"><low value="20240105"/><high nullFlavor="UNK"/></effectiveTime>
                        <effectiveTime xsi:type="PIVL_TS" institutionSpecified="false" operator="A"><period value="8" unit="h"/></effectiveTime>
                        <doseQuantity value="10" unit="mg"/>\
                        """)
                    + medicationEntry(
                        "",
                        "aborted",
                        """
                        <effectiveTime xsi:type="IVL_TS"><low value="20230301"/><high value="20230415"/></effectiveTime>
                        <effectiveTime xsi:type="EIVL_TS" operator="A"><event code="HS"/></effectiveTime>
                        <routeCode code="C38288" codeSystem="2.16.840.1.113883.3.26.1.1"/>\
                        """)
                    + medicationEntry("negationInd=\"true\"", "completed", "")
                    + medicationEntry("", "nullified", "")));

    assertEvents(
        result.extraction().events(),
        new Medication(
            "lisinopril 10 MG Oral Tablet",
            "314076",
            "10 MG",
            dec("10"),
            "mg",
            null,
            "every 8 hours",
            date("2024-01-05"),
            null,
            "active",
            date("2024-01-05"),
            null),
        new Medication(
            "lisinopril 10 MG Oral Tablet",
            "314076",
            "10 MG",
            null,
            null,
            "oral",
            "at bedtime",
            date("2023-03-01"),
            date("2023-04-15"),
            "stopped",
            date("2023-03-01"),
            null));
    assertThat(result.notes())
        .containsExactly(
            "Medications, entry 3: medication lisinopril 10 MG Oral Tablet is recorded as not"
                + " taken; skipped",
            "Medications, entry 4: medication lisinopril 10 MG Oral Tablet was nullified (entered"
                + " in error); skipped");
  }

  @Test
  void aProblemCodedOnlyInIcd10ThroughATranslationOfANullFlavorCode() {
    List<ClinicalEvent> events =
        events(
            problems(
                problemEntry(
                    "active",
                    "",
                    "<effectiveTime><low value=\"20210615\"/></effectiveTime>",
                    """
                    <value xsi:type="CD" nullFlavor="OTH">
                      <translation code="E11.9" codeSystem="2.16.840.1.113883.6.90"
                                   displayName="Type 2 diabetes mellitus without complications"/>
                    </value>\
                    """,
                    "")));

    assertEvents(
        events,
        new Condition(
            "Type 2 diabetes mellitus without complications",
            "E11.9",
            null,
            "active",
            date("2021-06-15"),
            date("2023-01-05"),
            null));
  }

  @Test
  void problemStatusComesFromTheStatusObservationThenTheResolutionDateThenTheConcern() {
    String value =
        "<value xsi:type=\"CD\" code=\"38341003\" codeSystem=\"2.16.840.1.113883.6.96\""
            + " displayName=\"Hypertension\"/>";
    String resolvedStatus =
        """
        <entryRelationship typeCode="REFR"><observation classCode="OBS" moodCode="EVN">
          <code code="33999-4" codeSystem="2.16.840.1.113883.6.1"/>
          <value xsi:type="CD" code="413322009" codeSystem="2.16.840.1.113883.6.96" displayName="Resolved"/>
        </observation></entryRelationship>\
        """;
    ReadResult result =
        reader.read(
            problems(
                problemEntry("active", "", "", value, resolvedStatus)
                    + problemEntry(
                        "active",
                        "",
                        "<effectiveTime><low value=\"2016\"/><high"
                            + " value=\"20220110\"/></effectiveTime>",
                        value,
                        "")
                    + problemEntry("completed", "", "", value, "")
                    + problemEntry("suspended", "", "", value, "")
                    + problemEntry("active", "negationInd=\"true\"", "", value, "")));

    assertThat(result.extraction().events())
        .extracting(e -> ((Condition) e).status())
        .containsExactly("resolved", "resolved", "resolved", "inactive");
    assertThat(((Condition) result.extraction().events().get(1)).onsetDate())
        .as("a year alone is not a date")
        .isNull();
    assertThat(result.notes())
        .containsExactly("Problems, entry 5: problem Hypertension is recorded as absent; skipped");
  }

  @Test
  void allergiesTakeTheWorstSeverityAndSkipNegatedAndResolvedOnes() {
    String penicillin =
        "<code code=\"7980\" codeSystem=\"2.16.840.1.113883.6.88\" displayName=\"Penicillin G\"/>";
    String resolved =
        """
        <entryRelationship typeCode="SUBJ" inversionInd="true"><observation classCode="OBS" moodCode="EVN">
          <templateId root="2.16.840.1.113883.10.20.22.4.28"/>
          <code code="33999-4" codeSystem="2.16.840.1.113883.6.1"/>
          <value xsi:type="CD" code="413322009" codeSystem="2.16.840.1.113883.6.96" displayName="Resolved"/>
        </observation></entryRelationship>\
        """;
    String highCriticality =
        """
        <entryRelationship typeCode="SUBJ" inversionInd="true"><observation classCode="OBS" moodCode="EVN">
          <templateId root="2.16.840.1.113883.10.20.22.4.145"/>
          <value xsi:type="CD" code="CRITH" codeSystem="2.16.840.1.113883.5.1063"/>
        </observation></entryRelationship>\
        """;
    ReadResult result =
        reader.read(
            allergies(
                allergyEntry(
                        "",
                        penicillin,
                        reaction("247472004", "Hives", "255604002", "Mild")
                            + reaction("39579001", "Anaphylaxis", "24484000", "Severe"))
                    + allergyEntry(
                        "",
                        "<code code=\"111088007\" codeSystem=\"2.16.840.1.113883.6.96\""
                            + " displayName=\"Latex\"/>",
                        highCriticality)
                    + allergyEntry("negationInd=\"true\"", "<code nullFlavor=\"NA\"/>", "")
                    + allergyEntry(
                        "",
                        "<code code=\"2670\" codeSystem=\"2.16.840.1.113883.6.88\""
                            + " displayName=\"Codeine\"/>",
                        resolved)));

    assertEvents(
        result.extraction().events(),
        new Allergy(
            "Penicillin G",
            "medication",
            "Hives, Anaphylaxis",
            "severe",
            null,
            date("2020-01-01"),
            null),
        new Allergy("Latex", null, null, "severe", "111088007", date("2020-01-01"), null));
    assertThat(result.notes())
        .containsExactly(
            "Allergies, entry 3: no known allergy of this kind is recorded; nothing to add",
            "Allergies, entry 4: allergy to Codeine is recorded as resolved or inactive; skipped");
  }

  @Test
  void onlyImmunizationsGivenAreEvents() {
    ReadResult result =
        reader.read(
            immunizations(
                immunizationEntry(
                        "moodCode=\"EVN\" negationInd=\"false\"",
                        "<effectiveTime value=\"20241003\"/>")
                    + immunizationEntry(
                        "moodCode=\"EVN\" negationInd=\"true\"",
                        "<effectiveTime value=\"20241003\"/>")
                    + immunizationEntry("moodCode=\"INT\"", "<effectiveTime value=\"20251003\"/>")
                    + immunizationEntry(
                        "moodCode=\"EVN\"", "<effectiveTime nullFlavor=\"UNK\"/>")));

    assertEvents(
        result.extraction().events(),
        new Immunization(
            "Influenza, seasonal, injectable, preservative free",
            "140",
            null,
            null,
            date("2024-10-03"),
            null),
        new Immunization(
            "Influenza, seasonal, injectable, preservative free", "140", null, null, null, null));
    assertThat(result.extraction().events())
        .extracting(e -> e.evidence().requiresReview())
        .as("a vaccination without a date needs review")
        .containsExactly(false, true);
    assertThat(result.notes())
        .containsExactly(
            "Immunizations, entry 2: Influenza, seasonal, injectable, preservative free was not"
                + " given; skipped",
            "Immunizations, entry 3: Influenza, seasonal, injectable, preservative free is planned,"
                + " not given; skipped");
  }

  @Test
  void anEmptySectionYieldsNothingAndNoNote() {
    ReadResult result =
        reader.read(
            document(
                """
                <component><section nullFlavor="NI">
                  <templateId root="2.16.840.1.113883.10.20.22.2.3.1" extension="2015-08-01"/>
                  <code code="30954-2" codeSystem="2.16.840.1.113883.6.1"/>
                  <title>Results</title>
                  <text>No information</text>
                </section></component>\
                """));

    assertThat(result.extraction().events()).isEmpty();
    assertThat(result.notes()).isEmpty();
    assertThat(result.extraction().documentDate()).isEqualTo(date("2025-01-01"));
  }

  @Test
  void aSectionIsFoundByItsTemplateIdAloneAndOtherSectionsAreIgnored() {
    List<ClinicalEvent> events =
        events(
            document(
                """
                <component><section>
                  <templateId root="2.16.840.1.113883.10.20.22.2.10"/>
                  <code code="18776-5" codeSystem="2.16.840.1.113883.6.1"/>
                  <entry><observation classCode="OBS" moodCode="RQO">
                    <code code="2345-7" codeSystem="2.16.840.1.113883.6.1" displayName="Glucose"/>
                  </observation></entry>
                </section></component>
                <component><section>
                  <templateId root="2.16.840.1.113883.10.20.22.2.3.1"/>
                  %s
                </section></component>\
                """
                    .formatted(
                        resultEntry(
                            "<code code=\"2345-7\" codeSystem=\"2.16.840.1.113883.6.1\""
                                + " displayName=\"Glucose\"/>",
                            "<value xsi:type=\"PQ\" value=\"98\" unit=\"mg/dL\"/>"))));

    assertThat(events)
        .singleElement()
        .satisfies(e -> assertThat(((LabResult) e).valueNumeric()).isEqualByComparingTo("98"));
  }

  @Test
  void aDocumentWithoutAStructuredBodySaysSo() {
    ReadResult result =
        reader.read(
            """
            <ClinicalDocument xmlns="urn:hl7-org:v3">
              <effectiveTime value="20250101"/>
              <component><nonXMLBody><text mediaType="application/pdf" representation="B64">JVBERi0=</text></nonXMLBody></component>
            </ClinicalDocument>\
            """
                .getBytes(StandardCharsets.UTF_8));

    assertThat(result.extraction().events()).isEmpty();
    assertThat(result.notes()).singleElement().asString().contains("no structured body");
  }
}
