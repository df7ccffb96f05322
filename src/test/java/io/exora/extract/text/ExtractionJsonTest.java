package io.exora.extract.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.exora.clinical.Extraction;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ExtractionJsonTest {

  private static final JsonNode SCHEMA = ExtractionJson.schema();
  /** Reads numbers as written: 4.0 stays 4.0, as the model's BigDecimals compare by scale. */
  private static final ObjectMapper EXACT = new ObjectMapper()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);

  static Stream<String> fixtures() {
    return Stream.concat(Fixtures.CLINICAL.stream(), Fixtures.NON_CLINICAL.stream());
  }

  @Test
  void theSchemaStaysWithinTheSharedSubsetAndCoversSixEventTypes() {
    assertThat(SchemaValidator.validate(SCHEMA, minimalValid())).isEmpty();
    JsonNode eventType = SCHEMA.at("/properties/events/items/properties/event_type/enum");
    List<String> types = new ArrayList<>();
    eventType.forEach(t -> types.add(t.asText()));
    assertThat(types).containsExactly("lab_result", "vital_sign", "medication", "condition",
        "allergy", "immunization");
    JsonNode item = SCHEMA.at("/properties/events/items");
    List<String> required = new ArrayList<>();
    item.get("required").forEach(r -> required.add(r.asText()));
    List<String> properties = new ArrayList<>();
    item.get("properties").fieldNames().forEachRemaining(properties::add);
    assertThat(required).as("strict structured output needs every property required")
        .containsExactlyInAnyOrderElementsOf(properties);
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void theExtractorsOutputConformsToTheSchema(String fixture) {
    ObjectNode json = ExtractionJson.toJson(Fixtures.extractFixture(fixture));
    assertThat(SchemaValidator.validate(SCHEMA, json)).as(fixture).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void anExtractionSurvivesTheRoundTripThroughJsonText(String fixture) throws Exception {
    Extraction extraction = Fixtures.extractFixture(fixture);
    String text = EXACT.writeValueAsString(ExtractionJson.toJson(extraction));
    Extraction back = ExtractionJson.fromJson(EXACT.readTree(text), extraction.reader());
    assertThat(back).isEqualTo(extraction);
  }

  @Test
  void theValidatorCatchesWhatTheSchemaForbids() {
    ObjectNode json = ExtractionJson.toJson(Fixtures.extractFixture("discharge-summary.txt"));
    ((ObjectNode) json.get("events").get(0)).put("interpretation", "weird");
    ((ObjectNode) json.get("events").get(1)).remove("confidence");
    ((ObjectNode) json.get("events").get(2)).put("extra", 1);
    assertThat(SchemaValidator.validate(SCHEMA, json)).hasSize(3);
  }

  @Test
  void readsAProvidersAnswer() throws Exception {
    String answer = """
        {"document_date": "2026-03-14", "events": [
          {"event_type": "vital_sign", "name": "Blood pressure", "vital_type": "blood_pressure",
           "value_numeric": 128, "secondary_value": 82, "unit": "mm[Hg]",
           "codes": {"loinc": "85354-9", "rxnorm": null, "icd10": null, "snomed": null, "cvx": null},
           "date": null, "confidence": 0.9, "requires_review": false, "source_text": "BP 128/82"},
          {"event_type": "condition", "name": "Asthma", "status": null,
           "codes": {"icd10": "J45.909"}, "confidence": 0.7, "requires_review": true,
           "source_text": "asthma"}
        ]}""";
    Extraction x = ExtractionJson.fromJson(EXACT.readTree(answer), "openai/test");
    assertThat(x.documentDate()).hasToString("2026-03-14");
    assertThat(x.reader()).isEqualTo("openai/test");
    assertThat(x.events()).hasSize(2);
    assertThat(((io.exora.clinical.Condition) x.events().get(1)).status()).isEqualTo("unknown");
  }

  static Stream<String[]> badAnswers() {
    String ok = "\"name\": \"X\", \"confidence\": 0.5, \"requires_review\": true";
    return Stream.of(
        new String[] {"[]", "/: must be an object"},
        new String[] {"{\"events\": {}}", "/events: must be an array"},
        new String[] {"{\"events\": [], \"notes\": 1}", "/notes: is not a field"},
        new String[] {"{\"document_date\": \"14/03/2026\", \"events\": []}",
            "/document_date: must be a date as YYYY-MM-DD"},
        new String[] {"{\"events\": [{\"event_type\": \"surgery\", " + ok + "}]}",
            "/events/0/event_type: unknown event type"},
        new String[] {"{\"events\": [{\"event_type\": \"lab_result\", " + ok + "}]}",
            "/events/0/value_numeric: a lab result needs"},
        new String[] {"{\"events\": [{\"event_type\": \"vital_sign\", \"vital_type\": "
            + "\"blood_pressure\", \"value_numeric\": 120, " + ok + "}]}",
            "/events/0/secondary_value"},
        new String[] {"{\"events\": [{\"event_type\": \"vital_sign\", \"vital_type\": "
            + "\"heart_rate\", \"value_numeric\": \"72\", " + ok + "}]}",
            "/events/0/value_numeric: must be a number"},
        new String[] {"{\"events\": [{\"event_type\": \"condition\", \"name\": \"X\", "
            + "\"confidence\": 1.5, \"requires_review\": true}]}",
            "/events/0/confidence: must be within 0..1"},
        new String[] {"{\"events\": [{\"event_type\": \"condition\", \"name\": \"X\", "
            + "\"confidence\": 0.5}]}", "/events/0/requires_review"},
        new String[] {"{\"events\": [{\"event_type\": \"medication\", \"status\": \"paused\", "
            + ok + "}]}", "/events/0/status: \"paused\" is not one of"},
        new String[] {"{\"events\": [{\"event_type\": \"allergy\", \"codes\": {\"atc\": \"x\"}, "
            + ok + "}]}", "/events/0/codes/atc: is not a field"},
        new String[] {"{\"events\": [{\"event_type\": \"immunization\", \"dose_number\": 0, "
            + ok + "}]}", "/events/0/dose_number: must be 1 or more"},
        new String[] {"{\"events\": [{\"event_type\": \"immunization\", \"dose_number\": 1.5, "
            + ok + "}]}", "/events/0/dose_number: must be an integer"},
        new String[] {"{\"events\": [{\"event_type\": \"condition\", \"name\": \"  \", "
            + "\"confidence\": 0.5, \"requires_review\": true}]}", "/events/0/name: is required"});
  }

  @ParameterizedTest
  @MethodSource("badAnswers")
  void refusesWhatDoesNotFitWithThePlaceNamed(String answer, String message) throws Exception {
    JsonNode json = EXACT.readTree(answer);
    assertThatThrownBy(() -> ExtractionJson.fromJson(json, "test"))
        .isInstanceOf(InvalidExtractionException.class)
        .hasMessageStartingWith(message);
  }

  private static JsonNode minimalValid() {
    return ExtractionJson.toJson(new Extraction(null, List.of(), "test"));
  }
}
