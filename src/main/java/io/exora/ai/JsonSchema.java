package io.exora.ai;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A JSON Schema validator for the subset that structured extraction uses, written here because no
 * validator is on the classpath and the subset is small:
 * {@code type} (object, array, string, number, integer, boolean, null, or an array of them: the
 * way to say nullable), {@code properties}, {@code required}, {@code additionalProperties}
 * (boolean or schema), {@code items} (one schema), {@code enum}, {@code minimum}/{@code maximum},
 * {@code minLength}/{@code maxLength}, {@code minItems}/{@code maxItems} and {@code format}
 * {@code date} and {@code date-time}; {@code title}, {@code description}, {@code $schema},
 * {@code $id}, {@code $comment}, {@code default} and {@code examples} are annotations.
 *
 * <p>Any other keyword ({@code $ref}, {@code anyOf}, {@code pattern}, ...) is refused when a
 * request is built, rather than silently not enforced.
 */
public final class JsonSchema {
  /** At most this many violations are collected: the first few say what is wrong. */
  static final int MAX_VIOLATIONS = 20;

  private static final Set<String> TYPES =
      Set.of("object", "array", "string", "number", "integer", "boolean", "null");
  private static final Set<String> ANNOTATIONS =
      Set.of("title", "description", "$schema", "$id", "$comment", "default", "examples");
  private static final Set<String> KEYWORDS = Set.of("type", "properties", "required",
      "additionalProperties", "items", "enum", "minimum", "maximum", "minLength", "maxLength",
      "minItems", "maxItems", "format");
  private static final Set<String> FORMATS = Set.of("date", "date-time");

  /** One way the instance breaks the schema, at a JSON Pointer (RFC 6901) into the instance. */
  public record Violation(String pointer, String message) {
    @Override
    public String toString() {
      return (pointer.isEmpty() ? "(root)" : pointer) + ": " + message;
    }
  }

  private JsonSchema() {}

  /**
   * Refuses a schema that is not an object schema in the supported subset, naming the JSON Pointer
   * of the first problem. Structured extraction answers with a JSON object: every vendor requires
   * that of a response schema or a tool's input schema.
   */
  public static void requireObjectSchema(JsonNode schema) {
    checkSupported(schema, "");
    if (!schema.path("type").isTextual() || !schema.path("type").asText().equals("object")) {
      throw new IllegalArgumentException("the schema's root must have \"type\": \"object\"");
    }
  }

  /** Every way {@code instance} breaks {@code schema} (at most {@value #MAX_VIOLATIONS}); empty when it conforms. */
  public static List<Violation> validate(JsonNode schema, JsonNode instance) {
    List<Violation> out = new ArrayList<>();
    check(schema, instance, "", out);
    return out;
  }

  // ---- the schema itself -----------------------------------------------------------------------

  private static void checkSupported(JsonNode schema, String at) {
    if (schema == null || !schema.isObject()) {
      throw unsupported(at, "a schema must be a JSON object");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = schema.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      String k = f.getKey();
      JsonNode v = f.getValue();
      String here = at + "/" + escape(k);
      if (ANNOTATIONS.contains(k)) {
        continue;
      }
      if (!KEYWORDS.contains(k)) {
        throw unsupported(here, "keyword '" + k + "' is not supported (supported: " + KEYWORDS + ")");
      }
      switch (k) {
        case "type" -> {
          List<String> types = new ArrayList<>();
          if (v.isTextual()) {
            types.add(v.asText());
          } else if (v.isArray() && !v.isEmpty()) {
            v.forEach(t -> types.add(t.isTextual() ? t.asText() : t.toString()));
          } else {
            throw unsupported(here, "type must be a type name or a non-empty array of them");
          }
          for (String t : types) {
            if (!TYPES.contains(t)) {
              throw unsupported(here, "unknown type '" + t + "' (known: " + TYPES + ")");
            }
          }
          if (new HashSet<>(types).size() != types.size()) {
            throw unsupported(here, "type names repeat");
          }
        }
        case "properties" -> {
          if (!v.isObject()) {
            throw unsupported(here, "properties must be an object of schemas");
          }
          v.fields().forEachRemaining(p -> checkSupported(p.getValue(), here + "/" + escape(p.getKey())));
        }
        case "required" -> {
          if (!v.isArray()) {
            throw unsupported(here, "required must be an array of property names");
          }
          Set<String> seen = new HashSet<>();
          for (JsonNode name : v) {
            if (!name.isTextual() || !seen.add(name.asText())) {
              throw unsupported(here, "required must list distinct property names");
            }
          }
        }
        case "additionalProperties" -> {
          if (!v.isBoolean()) {
            checkSupported(v, here);
          }
        }
        case "items" -> checkSupported(v, here);
        case "enum" -> {
          if (!v.isArray() || v.isEmpty()) {
            throw unsupported(here, "enum must be a non-empty array");
          }
        }
        case "minimum", "maximum" -> {
          if (!v.isNumber()) {
            throw unsupported(here, k + " must be a number");
          }
        }
        case "minLength", "maxLength", "minItems", "maxItems" -> {
          if (!v.canConvertToExactIntegral() || v.asLong() < 0) {
            throw unsupported(here, k + " must be a non-negative integer");
          }
        }
        case "format" -> {
          if (!FORMATS.contains(v.asText())) {
            throw unsupported(here, "format '" + v.asText() + "' is not supported (supported: " + FORMATS + ")");
          }
        }
        default -> throw new IllegalStateException(k);
      }
    }
  }

  private static IllegalArgumentException unsupported(String at, String message) {
    return new IllegalArgumentException("schema " + (at.isEmpty() ? "(root)" : at) + ": " + message);
  }

  // ---- an instance ------------------------------------------------------------------------------

  private static void check(JsonNode schema, JsonNode value, String at, List<Violation> out) {
    if (out.size() >= MAX_VIOLATIONS) {
      return;
    }
    List<String> types = types(schema);
    if (types != null && types.stream().noneMatch(t -> isOfType(value, t))) {
      out.add(new Violation(at, "expected " + String.join(" or ", types) + ", got " + typeOf(value)));
      return;
    }
    JsonNode allowed = schema.get("enum");
    if (allowed != null && !contains(allowed, value)) {
      String listing = allowed.toString();
      out.add(new Violation(at, "must be one of " + (listing.length() > 200 ? listing.substring(0, 200) + "..." : listing)
          + ", got " + abbreviate(value)));
      return;
    }
    if (value.isObject()) {
      checkObject(schema, value, at, out);
    } else if (value.isArray()) {
      checkArray(schema, value, at, out);
    } else if (value.isTextual()) {
      checkString(schema, value.asText(), at, out);
    } else if (value.isNumber()) {
      checkNumber(schema, value.decimalValue(), at, out);
    }
  }

  private static void checkObject(JsonNode schema, JsonNode value, String at, List<Violation> out) {
    JsonNode properties = schema.path("properties");
    for (JsonNode name : schema.path("required")) {
      if (!value.has(name.asText())) {
        out.add(new Violation(at + "/" + escape(name.asText()), "is required but missing"));
      }
    }
    JsonNode additional = schema.get("additionalProperties");
    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      String here = at + "/" + escape(f.getKey());
      JsonNode propertySchema = properties.get(f.getKey());
      if (propertySchema != null) {
        check(propertySchema, f.getValue(), here, out);
      } else if (additional != null && additional.isBoolean() && !additional.asBoolean()) {
        out.add(new Violation(here, "is not allowed (additionalProperties is false)"));
      } else if (additional != null && additional.isObject()) {
        check(additional, f.getValue(), here, out);
      }
    }
  }

  private static void checkArray(JsonNode schema, JsonNode value, String at, List<Violation> out) {
    if (schema.has("minItems") && value.size() < schema.get("minItems").asLong()) {
      out.add(new Violation(at, "has " + value.size() + " items, fewer than minItems " + schema.get("minItems")));
    }
    if (schema.has("maxItems") && value.size() > schema.get("maxItems").asLong()) {
      out.add(new Violation(at, "has " + value.size() + " items, more than maxItems " + schema.get("maxItems")));
    }
    JsonNode items = schema.get("items");
    if (items != null) {
      for (int i = 0; i < value.size(); i++) {
        check(items, value.get(i), at + "/" + i, out);
      }
    }
  }

  private static void checkString(JsonNode schema, String s, String at, List<Violation> out) {
    long length = s.codePointCount(0, s.length());
    if (schema.has("minLength") && length < schema.get("minLength").asLong()) {
      out.add(new Violation(at, "is " + length + " characters, shorter than minLength " + schema.get("minLength")));
    }
    if (schema.has("maxLength") && length > schema.get("maxLength").asLong()) {
      out.add(new Violation(at, "is " + length + " characters, longer than maxLength " + schema.get("maxLength")));
    }
    String format = schema.path("format").asText(null);
    if (format != null && !matchesFormat(format, s)) {
      out.add(new Violation(at, "is not a " + format + " (" + (format.equals("date")
          ? "YYYY-MM-DD" : "RFC 3339 with an offset") + "): " + abbreviate(com.fasterxml.jackson.databind.node.TextNode.valueOf(s))));
    }
  }

  private static void checkNumber(JsonNode schema, BigDecimal n, String at, List<Violation> out) {
    if (schema.has("minimum") && n.compareTo(schema.get("minimum").decimalValue()) < 0) {
      out.add(new Violation(at, n.toPlainString() + " is less than minimum " + schema.get("minimum")));
    }
    if (schema.has("maximum") && n.compareTo(schema.get("maximum").decimalValue()) > 0) {
      out.add(new Violation(at, n.toPlainString() + " is greater than maximum " + schema.get("maximum")));
    }
  }

  private static boolean matchesFormat(String format, String s) {
    try {
      if (format.equals("date")) {
        LocalDate.parse(s);
      } else {
        OffsetDateTime.parse(s);
      }
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private static List<String> types(JsonNode schema) {
    JsonNode t = schema.get("type");
    if (t == null) {
      return null;
    }
    if (t.isTextual()) {
      return List.of(t.asText());
    }
    List<String> list = new ArrayList<>();
    t.forEach(x -> list.add(x.asText()));
    return list;
  }

  private static boolean isOfType(JsonNode v, String type) {
    return switch (type) {
      case "object" -> v.isObject();
      case "array" -> v.isArray();
      case "string" -> v.isTextual();
      case "number" -> v.isNumber();
      // 1.0 is an integer in JSON Schema: the test is on the value, not the notation.
      case "integer" -> v.isIntegralNumber()
          || (v.isNumber() && v.decimalValue().stripTrailingZeros().scale() <= 0);
      case "boolean" -> v.isBoolean();
      case "null" -> v.isNull();
      default -> false;
    };
  }

  private static String typeOf(JsonNode v) {
    if (v.isIntegralNumber()) {
      return "integer";
    }
    return switch (v.getNodeType()) {
      case OBJECT -> "object";
      case ARRAY -> "array";
      case STRING -> "string";
      case NUMBER -> "number";
      case BOOLEAN -> "boolean";
      case NULL -> "null";
      default -> v.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  /** enum membership by JSON value: 1 and 1.0 are the same number. */
  private static boolean contains(JsonNode allowed, JsonNode value) {
    for (JsonNode a : allowed) {
      if (a.isNumber() && value.isNumber()
          ? a.decimalValue().compareTo(value.decimalValue()) == 0 : a.equals(value)) {
        return true;
      }
    }
    return false;
  }

  private static String abbreviate(JsonNode v) {
    String s = v.toString();
    return s.length() > 60 ? s.substring(0, 60) + "..." : s;
  }

  /** RFC 6901: "~" is "~0" and "/" is "~1" inside a reference token. */
  static String escape(String token) {
    return token.replace("~", "~0").replace("/", "~1");
  }
}
