package io.exora.ai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Translates a schema of the {@link JsonSchema} subset into Gemini's {@code responseSchema}, a
 * subset of OpenAPI 3.0's Schema object.
 *
 * <ul>
 *   <li>{@code type} becomes upper case; {@code ["string", "null"]} becomes {@code type: STRING,
 *       nullable: true}. Several non-null types have no equivalent and are refused (bad_request).</li>
 *   <li>{@code properties}, {@code required}, {@code items}, {@code minimum}/{@code maximum},
 *       {@code minItems}/{@code maxItems}, {@code minLength}/{@code maxLength}, {@code title} and
 *       {@code description} carry over; {@code propertyOrdering} is added in the schema's order,
 *       so the model writes fields in the order they were designed.</li>
 *   <li>{@code enum} carries over on strings only (Gemini has no other enums); {@code format}
 *       carries over for {@code date-time} only; {@code additionalProperties} and annotations
 *       are dropped.</li>
 * </ul>
 * Whatever is dropped is still enforced: the answer is validated against the original schema.
 */
final class GeminiSchema {
  private GeminiSchema() {}

  static ObjectNode translate(JsonNode schema) throws ProviderException {
    return translate(schema, "");
  }

  private static ObjectNode translate(JsonNode s, String at) throws ProviderException {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    List<String> types = new ArrayList<>();
    JsonNode type = s.get("type");
    if (type != null && type.isTextual()) {
      types.add(type.asText());
    } else if (type != null) {
      type.forEach(t -> types.add(t.asText()));
    }
    boolean nullable = types.remove("null");
    if (types.size() > 1) {
      throw ProviderException.badRequest("Gemini's responseSchema cannot express a value of types "
          + types + " at " + (at.isEmpty() ? "(root)" : at) + "; use one type, optionally with null");
    }
    String single = types.isEmpty() ? null : types.get(0);
    if (single != null) {
      out.put("type", single.toUpperCase(Locale.ROOT));
    } else if (nullable) {
      throw ProviderException.badRequest("Gemini's responseSchema has no type for a value that is always null, at "
          + (at.isEmpty() ? "(root)" : at));
    }
    if (nullable) {
      out.put("nullable", true);
    }
    for (String k : List.of("title", "description", "minimum", "maximum", "minItems", "maxItems",
        "minLength", "maxLength")) {
      if (s.has(k)) {
        out.set(k, s.get(k));
      }
    }
    if ("date-time".equals(s.path("format").asText(null)) && "string".equals(single)) {
      out.put("format", "date-time");
    }
    if (s.has("enum") && "string".equals(single)) {
      ArrayNode values = out.putArray("enum");
      s.get("enum").forEach(v -> {
        if (v.isTextual()) {
          values.add(v);
        }
      });
    }
    if (s.has("properties")) {
      ObjectNode properties = out.putObject("properties");
      ArrayNode order = JsonNodeFactory.instance.arrayNode();
      var fields = s.get("properties").fields();
      while (fields.hasNext()) {
        var f = fields.next();
        properties.set(f.getKey(), translate(f.getValue(), at + "/properties/" + JsonSchema.escape(f.getKey())));
        order.add(f.getKey());
      }
      out.set("propertyOrdering", order);
    }
    if (s.has("required")) {
      out.set("required", s.get("required"));
    }
    if (s.has("items")) {
      out.set("items", translate(s.get("items"), at + "/items"));
    }
    return out;
  }
}
