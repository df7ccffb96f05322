package io.exora.extract.structured;

import static io.exora.extract.structured.Samples.assertEvents;
import static io.exora.extract.structured.Samples.date;
import static io.exora.extract.structured.Samples.dec;
import static org.assertj.core.api.Assertions.assertThat;

import io.exora.clinical.Allergy;
import io.exora.clinical.ClinicalEvent;
import io.exora.clinical.Condition;
import io.exora.clinical.LabResult;
import io.exora.clinical.Medication;
import io.exora.clinical.VitalSign;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** FHIR content the sample does not hold: entered-in-error, odd values, references, panels. */
class FhirBundleReaderTest {

  private final FhirBundleReader reader = new FhirBundleReader();

  /** A collection Bundle of the given resources (JSON objects), each as its own entry. */
  private ReadResult bundle(String... resources) {
    StringBuilder json =
        new StringBuilder("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[");
    for (int i = 0; i < resources.length; i++) {
      json.append(i == 0 ? "" : ",").append("{\"resource\":").append(resources[i]).append('}');
    }
    return read(json.append("]}").toString());
  }

  private ReadResult read(String json) {
    return reader.read(json.getBytes(StandardCharsets.UTF_8));
  }

  private static String lab(String id, String status, String value) {
    return """
    {"resourceType":"Observation","id":"%s","status":"%s",
     "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"laboratory"}]}],
     "code":{"coding":[{"system":"http://loinc.org","code":"2345-7","display":"Glucose"}]},
     "effectiveDateTime":"2025-02-01T08:00:00Z"%s}
    """
        .formatted(id, status, value.isEmpty() ? "" : "," + value);
  }

  @Test
  void aSingleResourceIsReadWithoutABundle() {
    ReadResult result =
        read(lab("g1", "final", "\"valueQuantity\":{\"value\":5.40,\"unit\":\"mmol/L\"}"));

    assertEvents(
        result.extraction().events(),
        new LabResult(
            "Glucose",
            "2345-7",
            dec("5.4"),
            null,
            "mmol/L",
            null,
            null,
            null,
            null,
            date("2025-02-01"),
            null));
    assertThat(((LabResult) result.extraction().events().get(0)).valueNumeric().toPlainString())
        .as("the number as written")
        .isEqualTo("5.40");
    assertThat(result.extraction().documentDate()).isNull();
  }

  @Test
  void enteredInErrorIsSkippedWhateverTheResource() {
    ReadResult result =
        bundle(
            lab("g1", "entered-in-error", "\"valueQuantity\":{\"value\":5.4}"),
            """
            {"resourceType":"Condition","id":"c1",
             "verificationStatus":{"coding":[{"code":"entered-in-error"}]},
             "code":{"text":"Asthma"}}\
            """,
            """
            {"resourceType":"MedicationRequest","id":"m1","status":"entered-in-error","intent":"order",
             "medicationCodeableConcept":{"text":"Amoxicillin"}}\
            """,
            """
            {"resourceType":"Immunization","id":"i1","status":"entered-in-error","vaccineCode":{"text":"Tdap"}}\
            """,
            """
            {"resourceType":"AllergyIntolerance","id":"a1",
             "verificationStatus":{"coding":[{"code":"refuted"}]},"code":{"text":"Penicillin"}}\
            """);

    assertThat(result.extraction().events()).isEmpty();
    assertThat(result.notes())
        .containsExactly(
            "Observation/g1: entered in error; skipped",
            "Condition/c1: entered in error; skipped",
            "MedicationRequest/m1: entered in error; skipped",
            "Immunization/i1: entered in error; skipped",
            "AllergyIntolerance/a1: refuted; skipped");
  }

  @Test
  void valuesThatAreNotPlainQuantities() {
    ReadResult result =
        bundle(
            lab("s", "final", "\"valueString\":\"see comment\""),
            lab(
                "q",
                "final",
                "\"valueQuantity\":{\"value\":0.5,\"comparator\":\"<\",\"unit\":\"mg/L\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"mg/L\"}"),
            lab(
                "cc",
                "final",
                "\"valueCodeableConcept\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"10828004\",\"display\":\"Positive\"}]}"),
            lab("r", "final", "\"valueRange\":{\"low\":{\"value\":1},\"high\":{\"value\":3}}"),
            lab(
                "abs",
                "final",
                "\"dataAbsentReason\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/data-absent-reason\",\"code\":\"error\",\"display\":\"Error\"}]}"));

    List<ClinicalEvent> events = result.extraction().events();
    assertThat(events)
        .extracting(e -> ((LabResult) e).valueText())
        .containsExactly("see comment", "<0.5", "Positive", "1-3", "Error");
    assertThat(events).extracting(e -> ((LabResult) e).valueNumeric()).containsOnlyNulls();
    assertThat(events)
        .extracting(e -> e.evidence().requiresReview())
        .as("only the missing value needs review")
        .containsExactly(false, false, false, false, true);
  }

  @Test
  void aPanelThatOnlyGroupsMembersAddsNothingButComponentsAreResults() {
    ReadResult result =
        bundle(
            """
            {"resourceType":"Observation","id":"cbc","status":"final",
             "category":[{"coding":[{"code":"laboratory"}]}],
             "code":{"coding":[{"system":"http://loinc.org","code":"58410-2","display":"CBC panel"}]},
             "hasMember":[{"reference":"Observation/hgb"}]}\
            """,
            """
            {"resourceType":"Observation","id":"ua","status":"final",
             "category":[{"coding":[{"code":"laboratory"}]}],
             "code":{"text":"Urinalysis"},"effectiveDateTime":"2025-03-01",
             "component":[
               {"code":{"coding":[{"system":"http://loinc.org","code":"5811-5","display":"Specific gravity of Urine"}]},
                "valueQuantity":{"value":1.015}},
               {"code":{"coding":[{"system":"http://loinc.org","code":"5803-2","display":"pH of Urine"}]},
                "valueQuantity":{"value":6.0},"referenceRange":[{"low":{"value":5.0},"high":{"value":8.0}}],
                "interpretation":[{"coding":[{"code":"N"}]}]}]}\
            """);

    assertEvents(
        result.extraction().events(),
        new LabResult(
            "Specific gravity of Urine",
            "5811-5",
            dec("1.015"),
            null,
            null,
            null,
            null,
            null,
            null,
            date("2025-03-01"),
            null),
        new LabResult(
            "pH of Urine",
            "5803-2",
            dec("6.0"),
            null,
            null,
            dec("5.0"),
            dec("8.0"),
            null,
            "normal",
            date("2025-03-01"),
            null));
    assertThat(result.notes()).isEmpty();
  }

  @Test
  void aBloodPressurePanelNeedsBothComponents() {
    ReadResult result =
        bundle(
            """
            {"resourceType":"Observation","id":"bp","status":"final",
             "category":[{"coding":[{"code":"vital-signs"}]}],
             "code":{"coding":[{"system":"http://loinc.org","code":"85354-9"}]},
             "component":[{"code":{"coding":[{"system":"http://loinc.org","code":"8480-6"}]},
                           "valueQuantity":{"value":120,"unit":"mmHg"}},
                          {"code":{"coding":[{"system":"http://loinc.org","code":"8462-4"}]},
                           "dataAbsentReason":{"coding":[{"code":"not-performed"}]}}]}\
            """);

    assertThat(result.extraction().events()).isEmpty();
    assertThat(result.notes())
        .containsExactly(
            "Observation/bp: a blood pressure needs both a systolic and a diastolic value;"
                + " skipped");

  }

  @Test
  void aSystolicPressureAloneIsNotABloodPressure() {
    ReadResult result =
        bundle(
            """
            {"resourceType":"Observation","id":"sys","status":"final",
             "category":[{"coding":[{"code":"vital-signs"}]}],
             "code":{"coding":[{"system":"http://loinc.org","code":"8480-6"}]},
             "valueQuantity":{"value":120,"unit":"mmHg"}}\
            """);

    assertThat(result.extraction().events()).isEmpty();
    assertThat(result.notes())
        .containsExactly(
            "Observation/sys: a systolic or diastolic pressure on its own is not a blood pressure"
                + " panel; skipped");
  }

  @Test
  void anUncategorisedVitalSignIsKnownByItsLoincCode() {
    ReadResult result =
        bundle(
            """
            {"resourceType":"Observation","status":"final","effectiveDateTime":"2025-03-02",
             "code":{"coding":[{"system":"http://loinc.org","code":"8310-5","display":"Body temperature"}]},
             "valueQuantity":{"value":37.2,"unit":"C","system":"http://unitsofmeasure.org","code":"Cel"}}\
            """);

    assertEvents(
        result.extraction().events(),
        new VitalSign(
            "Body temperature",
            "temperature",
            dec("37.2"),
            null,
            "Cel",
            "8310-5",
            date("2025-03-02"),
            null));
    assertThat(result.extraction().events().get(0).evidence().sourceText())
        .isEqualTo("entry 1 (Observation)");
  }

  @Test
  void medicationsResolvedThroughBundleReferencesOrNamedByTheirDisplay() {
    ReadResult result =
        read(
            """
            {"resourceType":"Bundle","type":"searchset","entry":[
              {"fullUrl":"https://ehr.example/fhir/Medication/amox",
               "resource":{"resourceType":"Medication","id":"amox",
                 "code":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"308192",
                                    "display":"amoxicillin 500 MG Oral Tablet"}]}}},
              {"resource":{"resourceType":"MedicationRequest","id":"r1","status":"completed","intent":"order",
                 "medicationReference":{"reference":"Medication/amox"},"authoredOn":"2024-12-01",
                 "dosageInstruction":[{"timing":{"repeat":{"frequency":3,"period":1,"periodUnit":"d"}},
                                       "doseAndRate":[{"doseQuantity":{"value":500,"unit":"mg"}}]}]}},
              {"resource":{"resourceType":"MedicationRequest","id":"r2","status":"active","intent":"order",
                 "medicationReference":{"reference":"Medication/elsewhere","display":"Ventolin HFA"},
                 "dosageInstruction":[{"timing":{"code":{"coding":[{"code":"QID"}]}},"asNeededBoolean":true}]}},
              {"resource":{"resourceType":"MedicationStatement","id":"s1","status":"not-taken",
                 "medicationCodeableConcept":{"text":"Aspirin"}}},
              {"resource":{"resourceType":"MedicationRequest","id":"r3","status":"active","intent":"order",
                 "medicationReference":{"reference":"Medication/missing"}}}
            ]}\
            """);

    assertEvents(
        result.extraction().events(),
        new Medication(
            "amoxicillin 500 MG Oral Tablet",
            "308192",
            "500 MG",
            dec("500"),
            "mg",
            null,
            "three times daily",
            null,
            null,
            "completed",
            date("2024-12-01"),
            null),
        new Medication(
            "Ventolin HFA",
            null,
            null,
            null,
            null,
            null,
            "four times daily as needed",
            null,
            null,
            "active",
            null,
            null));
    assertThat(result.notes())
        .containsExactly(
            "MedicationStatement/s1: the medication is recorded as not to be taken; skipped",
            "MedicationRequest/r3: a medication without a name or code, or whose Medication is not"
                + " in the document; skipped");
  }

  @Test
  void conditionStatusFromClinicalStatusOrAbatement() {
    ReadResult result =
        bundle(
            """
            {"resourceType":"Condition","code":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10","code":"J45.9",
             "display":"Asthma, unspecified"}]},"abatementDateTime":"2020-01-01"}\
            """,
            """
            {"resourceType":"Condition","clinicalStatus":{"coding":[{"code":"remission"}]},
             "code":{"coding":[{"system":"http://snomed.info/sct","code":"363346000"}]},"onsetPeriod":{"start":"2019-05-02"}}\
            """,
            """
            {"resourceType":"Condition","clinicalStatus":{"coding":[{"code":"recurrence"}]},"code":{"text":"Gout"}}\
            """);

    assertEvents(
        result.extraction().events(),
        new Condition("Asthma, unspecified", "J45.9", null, "resolved", null, null, null),
        new Condition(
            "SNOMED CT 363346000", null, "363346000", "remission", date("2019-05-02"), null, null),
        new Condition("Gout", null, null, "active", null, null, null));
    assertThat(result.extraction().events())
        .extracting(e -> e.evidence().requiresReview())
        .containsExactly(false, true, false);
  }

  @Test
  void inactiveAndNoKnownAllergiesAreNotAllergies() {
    ReadResult result =
        bundle(
            """
            {"resourceType":"AllergyIntolerance","id":"nka",
             "code":{"coding":[{"system":"http://snomed.info/sct","code":"716186003","display":"No known allergy"}]}}\
            """,
            """
            {"resourceType":"AllergyIntolerance","id":"old","clinicalStatus":{"coding":[{"code":"resolved"}]},
             "code":{"text":"Eggs"}}\
            """,
            """
            {"resourceType":"AllergyIntolerance","id":"bee","category":["biologic"],"criticality":"high",
             "code":{"text":"Bee venom"},"reaction":[{"manifestation":[{"text":"Swelling"}]}]}\
            """);

    assertEvents(
        result.extraction().events(),
        new Allergy("Bee venom", "other", "Swelling", "severe", null, null, null));
    assertThat(result.notes())
        .containsExactly(
            "AllergyIntolerance/nka: a \"no known allergy\" statement adds no allergy; skipped",
            "AllergyIntolerance/old: the allergy is resolved; skipped");
  }

  @Test
  void anImmunizationWithoutADateNeedsReviewAndNotDoneIsSkipped() {
    ReadResult result =
        bundle(
            """
            {"resourceType":"Immunization","status":"completed","occurrenceString":"as a child",
             "vaccineCode":{"coding":[{"system":"http://hl7.org/fhir/sid/cvx","code":"03","display":"MMR"}]},
             "protocolApplied":[{"doseNumberString":"2"}]}\
            """,
            """
            {"resourceType":"Immunization","id":"nd","status":"not-done","vaccineCode":{"text":"Zoster"}}\
            """);

    assertThat(result.extraction().events())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.name()).isEqualTo("MMR");
              assertThat(((io.exora.clinical.Immunization) e).doseNumber()).isEqualTo(2);
              assertThat(e.date()).isNull();
              assertThat(e.evidence().requiresReview()).isTrue();
              assertThat(e.evidence().sourceText()).isEqualTo("entry 1 (Immunization): as a child");
            });
    assertThat(result.notes())
        .containsExactly("Immunization/nd: not given (status not-done); skipped");
  }

  @Test
  void unmappedTypesAreCountedContextTypesAreNot() {
    ReadResult result =
        bundle(
            "{\"resourceType\":\"Patient\",\"id\":\"p\"}",
            "{\"resourceType\":\"Encounter\",\"id\":\"e\"}",
            "{\"resourceType\":\"Claim\",\"id\":\"c1\"}",
            "{\"resourceType\":\"Claim\",\"id\":\"c2\"}",
            "{\"resourceType\":\"CarePlan\",\"id\":\"cp\"}",
            """
            {"resourceType":"Observation","status":"final","category":[{"coding":[{"code":"survey"}]}],
             "code":{"text":"PHQ-9"},"valueInteger":4}\
            """);

    assertThat(result.extraction().events()).isEmpty();
    assertThat(result.notes())
        .containsExactly(
            "ignored 4 resources of types this reader does not map: CarePlan x1, Claim x2,"
                + " Observation (survey) x1");
  }

  @Test
  void aDocumentBundleIsDatedByItsComposition() {
    ReadResult result =
        read(
            """
            {"resourceType":"Bundle","type":"document","timestamp":"2025-05-05T10:00:00Z","entry":[
              {"resource":{"resourceType":"Composition","status":"final","date":"2025-05-04T18:00:00-07:00"}}]}\
            """);

    assertThat(result.extraction().documentDate()).isEqualTo(date("2025-05-04"));
  }
}
