package io.exora.extract.structured;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.exora.extract.structured.DocumentFormatException.Code;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** JSON that is broken, not FHIR, or too big is refused with its own code and a clear message. */
class FhirMalformedInputTest {

  private final FhirBundleReader reader = new FhirBundleReader();

  private void refused(String json, Code code, String message) {
    assertThatThrownBy(() -> reader.read(json.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(
            DocumentFormatException.class,
            e -> {
              assertThat(e.code()).isEqualTo(code);
              assertThat(e.getMessage()).contains(message);
            });
  }

  @Test
  void malformedJsonSaysWhere() {
    refused(
        "{\"resourceType\": \"Bundle\",\n \"entry\": [}",
        Code.MALFORMED_JSON,
        "malformed JSON at line 2");
    refused("", Code.MALFORMED_JSON, "the JSON document is empty");
    refused("{\"resourceType\":\"Patient\"} trailing", Code.MALFORMED_JSON, "malformed JSON");
    refused(
        "{\"resourceType\":\"Patient\",\"resourceType\":\"Bundle\"}",
        Code.MALFORMED_JSON,
        "Duplicate field");
  }

  @Test
  void jsonThatIsNotFhirIsRefusedAsSuch() {
    refused("{\"name\":\"not a resource\"}", Code.NOT_FHIR, "no \"resourceType\"");
    refused("[{\"resourceType\":\"Patient\"}]", Code.NOT_FHIR, "no \"resourceType\"");
    refused("{\"resourceType\": 42}", Code.NOT_FHIR, "no \"resourceType\"");
    refused("\"Bundle\"", Code.NOT_FHIR, "no \"resourceType\"");
    refused(
        "{\"resourceType\":\"Bundle\",\"entry\":{\"resource\":{}}}",
        Code.NOT_FHIR,
        "\"entry\" is not an array");
  }

  @Test
  void sizeTokenAndDepthLimits() {
    FhirBundleReader limited = new FhirBundleReader(new DocumentLimits(2_000, 100, 50, 8));
    String deep = "{\"resourceType\":\"Bundle\",\"x\":" + "[".repeat(20) + "]".repeat(20) + "}";
    String manyTokens = "{\"resourceType\":\"Bundle\",\"x\":[" + "1,".repeat(60) + "1]}";
    String big = "{\"resourceType\":\"Bundle\",\"x\":\"" + "a".repeat(2_000) + "\"}";

    assertThatThrownBy(() -> limited.read(deep.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(
            DocumentFormatException.class,
            e -> {
              assertThat(e.code()).isEqualTo(Code.TOO_LARGE);
              assertThat(e.getMessage()).contains("nesting depth");
            });
    assertThatThrownBy(() -> limited.read(manyTokens.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(
            DocumentFormatException.class,
            e -> {
              assertThat(e.code()).isEqualTo(Code.TOO_LARGE);
              assertThat(e.getMessage()).contains("Token count");
            });
    assertThatThrownBy(() -> limited.read(big.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(
            DocumentFormatException.class,
            e -> {
              assertThat(e.code()).isEqualTo(Code.TOO_LARGE);
              assertThat(e.getMessage())
                  .isEqualTo(
                      "the JSON document is " + big.length() + " bytes; the limit is 2000 bytes");
            });
    assertThat(
            limited.read("{\"resourceType\":\"Patient\"}".getBytes(StandardCharsets.UTF_8)).notes())
        .as("a small document reads under the same limits")
        .isEmpty();
  }

  @Test
  void anAbsurdNumberIsNoMeasurement() {
    ReadResult result =
        reader.read(
            """
            {"resourceType":"Observation","status":"final","category":[{"coding":[{"code":"laboratory"}]}],
             "code":{"text":"Glucose"},"valueQuantity":{"value":1e999999999,"unit":"mg/dL"}}
            """
                .getBytes(StandardCharsets.UTF_8));

    assertThat(result.extraction().events())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.evidence().requiresReview()).isTrue();
              assertThat(e)
                  .isInstanceOfSatisfying(
                      io.exora.clinical.LabResult.class,
                      r -> assertThat(r.valueNumeric()).isNull());
            });
  }
}
