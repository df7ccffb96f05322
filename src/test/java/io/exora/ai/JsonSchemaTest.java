package io.exora.ai;

import static io.exora.ai.AiFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonSchemaTest {

  static List<String> violations(String schema, String instance) {
    return JsonSchema.validate(json(schema), json(instance)).stream().map(Object::toString).toList();
  }

  @Test
  void aConformingAnswerHasNoViolations() {
    assertThat(JsonSchema.validate(AiFixtures.SCHEMA, json(AiFixtures.GOOD_OUTPUT))).isEmpty();
  }

  @Test
  void typesIncludingIntegersWrittenWithAFraction() {
    String schema = "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"}}}";
    assertThat(violations(schema, "{\"n\": 3}")).isEmpty();
    assertThat(violations(schema, "{\"n\": 3.0}")).isEmpty();
    assertThat(violations(schema, "{\"n\": 3.5}")).containsExactly("/n: expected integer, got number");
    assertThat(violations(schema, "{\"n\": \"3\"}")).containsExactly("/n: expected integer, got string");
    assertThat(violations(schema, "[]")).containsExactly("(root): expected object, got array");
  }

  @Test
  void nullableThroughATypeArray() {
    String schema = "{\"type\":\"object\",\"properties\":{\"d\":{\"type\":[\"string\",\"null\"]}}}";
    assertThat(violations(schema, "{\"d\": null}")).isEmpty();
    assertThat(violations(schema, "{\"d\": \"x\"}")).isEmpty();
    assertThat(violations(schema, "{\"d\": false}")).containsExactly("/d: expected string or null, got boolean");
  }

  @Test
  void requiredAndClosedObjects() {
    String schema = """
        {"type":"object","additionalProperties":false,"required":["a","b"],
         "properties":{"a":{"type":"string"},"b":{"type":"string"}}}""";
    assertThat(violations(schema, "{\"a\":\"x\",\"c\":1}"))
        .containsExactly("/b: is required but missing", "/c: is not allowed (additionalProperties is false)");
  }

  @Test
  void additionalPropertiesAsASchema() {
    String schema = "{\"type\":\"object\",\"additionalProperties\":{\"type\":\"number\"}}";
    assertThat(violations(schema, "{\"x\":1,\"y\":\"2\"}")).containsExactly("/y: expected number, got string");
  }

  @Test
  void itemsEnumsAndBounds() {
    String schema = """
        {"type":"array","minItems":1,"maxItems":2,
         "items":{"type":"object","properties":{
           "k":{"type":"string","enum":["a","b"]},
           "v":{"type":"number","minimum":0,"maximum":10},
           "s":{"type":"string","minLength":2,"maxLength":3},
           "e":{"enum":[1, "one", null]}}}}""";
    assertThat(violations(schema, "[]")).containsExactly("(root): has 0 items, fewer than minItems 1");
    assertThat(violations(schema, "[{},{},{}]")).containsExactly("(root): has 3 items, more than maxItems 2");
    assertThat(violations(schema, "[{\"k\":\"c\",\"v\":11,\"s\":\"x\"},{\"v\":-0.5,\"s\":\"long\",\"e\":2}]"))
        .containsExactly(
            "/0/k: must be one of [\"a\",\"b\"], got \"c\"",
            "/0/v: 11 is greater than maximum 10",
            "/0/s: is 1 characters, shorter than minLength 2",
            "/1/v: -0.5 is less than minimum 0",
            "/1/s: is 4 characters, longer than maxLength 3",
            "/1/e: must be one of [1,\"one\",null], got 2");
    // An enum compares numbers by value.
    assertThat(violations(schema, "[{\"e\": 1.0}]")).isEmpty();
  }

  @Test
  void datesAndDateTimes() {
    String schema = """
        {"type":"object","properties":{"d":{"type":"string","format":"date"},"t":{"type":"string","format":"date-time"}}}""";
    assertThat(violations(schema, "{\"d\":\"2026-02-28\",\"t\":\"2026-02-28T10:00:00+01:00\"}")).isEmpty();
    assertThat(violations(schema, "{\"d\":\"2026-02-30\",\"t\":\"2026-02-28T10:00:00\"}")).containsExactly(
        "/d: is not a date (YYYY-MM-DD): \"2026-02-30\"",
        "/t: is not a date-time (RFC 3339 with an offset): \"2026-02-28T10:00:00\"");
  }

  @Test
  void pointersEscapeSlashAndTilde() {
    String schema = "{\"type\":\"object\",\"properties\":{\"a/b\":{\"type\":\"string\"},\"c~d\":{\"type\":\"string\"}}}";
    assertThat(violations(schema, "{\"a/b\":1,\"c~d\":2}")).containsExactly(
        "/a~1b: expected string, got integer", "/c~0d: expected string, got integer");
  }

  @Test
  void violationsStopAtTheLimit() {
    String schema = "{\"type\":\"array\",\"items\":{\"type\":\"string\"}}";
    assertThat(JsonSchema.validate(json(schema), json("[" + "1,".repeat(99) + "1]"))).hasSize(JsonSchema.MAX_VIOLATIONS);
  }

  @Test
  void unsupportedKeywordsAreRefusedNotIgnored() {
    assertThatThrownBy(() -> JsonSchema.requireObjectSchema(json(
        "{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"string\",\"pattern\":\"^a\"}}}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("/properties/x/pattern").hasMessageContaining("'pattern' is not supported");
    assertThatThrownBy(() -> JsonSchema.requireObjectSchema(json("{\"type\":\"object\",\"anyOf\":[]}")))
        .hasMessageContaining("'anyOf' is not supported");
    assertThatThrownBy(() -> JsonSchema.requireObjectSchema(json("{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"uuid\"}}}")))
        .hasMessageContaining("unknown type 'uuid'");
    assertThatThrownBy(() -> JsonSchema.requireObjectSchema(json("{\"type\":\"string\",\"format\":\"email\"}")))
        .hasMessageContaining("format 'email' is not supported");
  }

  @Test
  void theRootMustBeAnObjectSchema() {
    assertThatThrownBy(() -> JsonSchema.requireObjectSchema(json("{\"type\":\"array\"}")))
        .hasMessageContaining("root must have \"type\": \"object\"");
    assertThatThrownBy(() -> JsonSchema.requireObjectSchema(json("[]")))
        .hasMessageContaining("must be a JSON object");
    JsonNode annotated = json("{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"title\":\"t\",\"type\":\"object\"}");
    JsonSchema.requireObjectSchema(annotated);
  }
}
