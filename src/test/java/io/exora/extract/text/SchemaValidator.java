package io.exora.extract.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A validator for the JSON Schema subset the clinical extraction schema may use: type (a name or
 * a list), properties, required, additionalProperties false, enum, items, plus the annotations
 * $schema, $id, title and description. Any other keyword is an error, which keeps the schema
 * within what every provider's structured output accepts.
 */
final class SchemaValidator {

  private static final Set<String> KEYWORDS = Set.of("type", "properties", "required",
      "additionalProperties", "enum", "items", "$schema", "$id", "title", "description");

  private SchemaValidator() {}

  /** Every violation, as "path: problem"; empty when the instance conforms. */
  static List<String> validate(JsonNode schema, JsonNode instance) {
    List<String> errors = new ArrayList<>();
    check(schema, instance, "", errors);
    return errors;
  }

  private static void check(JsonNode schema, JsonNode node, String path, List<String> errors) {
    for (Iterator<String> it = schema.fieldNames(); it.hasNext(); ) {
      String keyword = it.next();
      if (!KEYWORDS.contains(keyword)) {
        errors.add(path + ": schema uses unsupported keyword " + keyword);
      }
    }
    JsonNode type = schema.get("type");
    if (type != null && !typeMatches(type, node)) {
      errors.add(path + ": expected type " + type + " but was " + node.getNodeType());
      return;
    }
    JsonNode values = schema.get("enum");
    if (values != null) {
      boolean found = false;
      for (JsonNode v : values) {
        found |= v.equals(node);
      }
      if (!found) {
        errors.add(path + ": " + node + " is not in " + values);
      }
    }
    if (node.isObject()) {
      JsonNode properties = schema.path("properties");
      for (JsonNode required : schema.path("required")) {
        if (!node.has(required.asText())) {
          errors.add(path + ": missing required " + required.asText());
        }
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        JsonNode sub = properties.get(field.getKey());
        if (sub == null) {
          if (schema.path("additionalProperties").isBoolean()
              && !schema.path("additionalProperties").booleanValue()) {
            errors.add(path + ": unexpected property " + field.getKey());
          }
        } else {
          check(sub, field.getValue(), path + "/" + field.getKey(), errors);
        }
      }
    }
    if (node.isArray() && schema.has("items")) {
      for (int i = 0; i < node.size(); i++) {
        check(schema.get("items"), node.get(i), path + "/" + i, errors);
      }
    }
  }

  private static boolean typeMatches(JsonNode type, JsonNode node) {
    if (type.isArray()) {
      for (JsonNode t : type) {
        if (typeMatches(t, node)) {
          return true;
        }
      }
      return false;
    }
    return switch (type.asText()) {
      case "object" -> node.isObject();
      case "array" -> node.isArray();
      case "string" -> node.isTextual();
      case "number" -> node.isNumber();
      case "integer" -> node.isIntegralNumber();
      case "boolean" -> node.isBoolean();
      case "null" -> node.isNull();
      default -> false;
    };
  }
}
