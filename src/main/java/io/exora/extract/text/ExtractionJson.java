package io.exora.extract.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.exora.clinical.Allergy;
import io.exora.clinical.ClinicalEvent;
import io.exora.clinical.Condition;
import io.exora.clinical.Evidence;
import io.exora.clinical.Extraction;
import io.exora.clinical.Immunization;
import io.exora.clinical.LabResult;
import io.exora.clinical.Medication;
import io.exora.clinical.VitalSign;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Maps an {@link Extraction} to and from the JSON of {@code extract/clinical-extraction.schema.json},
 * the one shape every reader answers in: this extractor, and the AI providers, which are given the
 * same schema.
 *
 * <p>Every event has every field, null where it does not apply, because the strictest structured
 * output modes require all properties. Reading is strict about what it reads (types, enums, dates
 * as YYYY-MM-DD, confidence within 0..1, the fields each event type needs, no unknown keys) and
 * lenient only about a missing optional key, read as null; an AI's answer is untrusted input. A
 * field that does not belong to the event's type is ignored.
 *
 * <p>Numbers are read as the tree holds them. To keep "4.0" from becoming 4 (equal in value, not in
 * {@link BigDecimal#equals}), parse provider text with {@code USE_BIG_DECIMAL_FOR_FLOATS} on and
 * {@code JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES} off.
 */
public final class ExtractionJson {

  public static final String SCHEMA_RESOURCE = "/extract/clinical-extraction.schema.json";

  /** Exact decimals, so 13.50 stays 13.50 on the way out and back. */
  private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

  private static final List<String> EVENT_KEYS = List.of("event_type", "name", "date",
      "confidence", "requires_review", "source_text", "codes", "value_numeric", "value_text",
      "unit", "reference_low", "reference_high", "reference_text", "interpretation", "vital_type",
      "secondary_value", "strength", "dose_amount", "dose_unit", "route", "frequency",
      "start_date", "end_date", "status", "onset_date", "allergen_type", "reaction", "severity",
      "dose_number", "lot_number");
  private static final List<String> CODE_KEYS = List.of("loinc", "rxnorm", "icd10", "snomed",
      "cvx");
  private static final Set<String> INTERPRETATIONS = Set.of("normal", "low", "high",
      "critical_low", "critical_high", "abnormal");
  private static final Set<String> VITAL_TYPES = Set.of("blood_pressure", "heart_rate",
      "temperature", "respiratory_rate", "oxygen_saturation", "weight", "height", "bmi",
      "blood_glucose", "head_circumference", "pain_score");
  private static final Set<String> MEDICATION_STATUSES = Set.of("active", "completed", "stopped",
      "on_hold", "unknown");
  private static final Set<String> CONDITION_STATUSES = Set.of("active", "resolved", "inactive",
      "remission", "unknown");
  private static final Set<String> ALLERGEN_TYPES = Set.of("medication", "food", "environmental",
      "other");
  private static final Set<String> SEVERITIES = Set.of("mild", "moderate", "severe",
      "life_threatening");

  private ExtractionJson() {}

  /** The schema's text, to hand to a provider as its response format. */
  public static String schemaText() {
    try (InputStream in = ExtractionJson.class.getResourceAsStream(SCHEMA_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("schema resource missing: " + SCHEMA_RESOURCE);
      }
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The schema as a fresh tree (callers may change their copy). */
  public static JsonNode schema() {
    try {
      return new ObjectMapper().readTree(schemaText());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static ObjectNode toJson(Extraction extraction) {
    ObjectNode root = NODES.objectNode();
    putDate(root, "document_date", extraction.documentDate());
    ArrayNode events = root.putArray("events");
    for (ClinicalEvent event : extraction.events()) {
      events.add(toJson(event));
    }
    return root;
  }

  private static ObjectNode toJson(ClinicalEvent event) {
    ObjectNode o = NODES.objectNode();
    for (String key : EVENT_KEYS) {
      o.putNull(key);
    }
    ObjectNode codes = NODES.objectNode();
    for (String key : CODE_KEYS) {
      codes.putNull(key);
    }
    o.set("codes", codes);
    o.put("name", event.name());
    putDate(o, "date", event.date());
    o.put("confidence", event.evidence().confidence());
    o.put("requires_review", event.evidence().requiresReview());
    o.put("source_text", event.evidence().sourceText());
    switch (event) {
      case LabResult l -> {
        o.put("event_type", "lab_result");
        codes.put("loinc", l.loincCode());
        o.put("value_numeric", l.valueNumeric());
        o.put("value_text", l.valueText());
        o.put("unit", l.unit());
        o.put("reference_low", l.referenceLow());
        o.put("reference_high", l.referenceHigh());
        o.put("reference_text", l.referenceText());
        o.put("interpretation", l.interpretation());
      }
      case VitalSign v -> {
        o.put("event_type", "vital_sign");
        codes.put("loinc", v.loincCode());
        o.put("vital_type", v.type());
        o.put("value_numeric", v.value());
        o.put("secondary_value", v.secondaryValue());
        o.put("unit", v.unit());
      }
      case Medication m -> {
        o.put("event_type", "medication");
        codes.put("rxnorm", m.rxnormCode());
        o.put("strength", m.strength());
        o.put("dose_amount", m.doseAmount());
        o.put("dose_unit", m.doseUnit());
        o.put("route", m.route());
        o.put("frequency", m.frequency());
        putDate(o, "start_date", m.startDate());
        putDate(o, "end_date", m.endDate());
        o.put("status", m.status());
      }
      case Condition c -> {
        o.put("event_type", "condition");
        codes.put("icd10", c.icd10Code());
        codes.put("snomed", c.snomedCode());
        o.put("status", c.status());
        putDate(o, "onset_date", c.onsetDate());
      }
      case Allergy a -> {
        o.put("event_type", "allergy");
        codes.put("snomed", a.snomedCode());
        o.put("allergen_type", a.allergenType());
        o.put("reaction", a.reaction());
        o.put("severity", a.severity());
      }
      case Immunization i -> {
        o.put("event_type", "immunization");
        codes.put("cvx", i.cvxCode());
        o.put("dose_number", i.doseNumber());
        o.put("lot_number", i.lotNumber());
      }
    }
    return o;
  }

  private static void putDate(ObjectNode o, String key, LocalDate date) {
    if (date == null) {
      o.putNull(key);
    } else {
      o.put(key, date.toString());
    }
  }

  /**
   * Reads extraction JSON into the model.
   *
   * @param reader the reader name kept with the extraction ("openai/gpt-4.1", "text-patterns/1")
   * @throws InvalidExtractionException naming the first place that does not fit
   */
  public static Extraction fromJson(JsonNode json, String reader) {
    Fields root = new Fields(json, "");
    root.onlyKeys(List.of("document_date", "events"));
    LocalDate documentDate = root.date("document_date");
    JsonNode events = root.node("events");
    if (events == null || !events.isArray()) {
      throw new InvalidExtractionException("/events: must be an array");
    }
    List<ClinicalEvent> out = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      out.add(event(new Fields(events.get(i), "/events/" + i)));
    }
    return new Extraction(documentDate, out, reader);
  }

  private static ClinicalEvent event(Fields f) {
    f.onlyKeys(EVENT_KEYS);
    String type = f.requiredString("event_type");
    String name = f.requiredString("name");
    LocalDate date = f.date("date");
    Evidence evidence = evidence(f);
    Fields codes = f.codes();
    return switch (type) {
      case "lab_result" -> {
        BigDecimal value = f.decimal("value_numeric");
        String text = f.string("value_text");
        if (value == null && text == null) {
          throw f.invalid("value_numeric", "a lab result needs value_numeric or value_text");
        }
        yield new LabResult(name, codes.string("loinc"), value, text, f.string("unit"),
            f.decimal("reference_low"), f.decimal("reference_high"), f.string("reference_text"),
            f.oneOf("interpretation", INTERPRETATIONS, null), date, evidence);
      }
      case "vital_sign" -> {
        String vitalType = f.oneOf("vital_type", VITAL_TYPES, null);
        if (vitalType == null) {
          throw f.invalid("vital_type", "a vital sign needs its vital_type");
        }
        BigDecimal value = f.decimal("value_numeric");
        if (value == null) {
          throw f.invalid("value_numeric", "a vital sign needs value_numeric");
        }
        BigDecimal diastolic = f.decimal("secondary_value");
        if ((diastolic != null) != vitalType.equals("blood_pressure")) {
          throw f.invalid("secondary_value",
              "is the diastolic pressure: set for blood_pressure and only for it");
        }
        yield new VitalSign(name, vitalType, value, diastolic, f.string("unit"),
            codes.string("loinc"), date, evidence);
      }
      case "medication" -> new Medication(name, codes.string("rxnorm"), f.string("strength"),
          f.decimal("dose_amount"), f.string("dose_unit"), f.string("route"),
          f.string("frequency"), f.date("start_date"), f.date("end_date"),
          f.oneOf("status", MEDICATION_STATUSES, "unknown"), date, evidence);
      case "condition" -> new Condition(name, codes.string("icd10"), codes.string("snomed"),
          f.oneOf("status", CONDITION_STATUSES, "unknown"), f.date("onset_date"), date, evidence);
      case "allergy" -> new Allergy(name, f.oneOf("allergen_type", ALLERGEN_TYPES, null),
          f.string("reaction"), f.oneOf("severity", SEVERITIES, null), codes.string("snomed"),
          date, evidence);
      case "immunization" -> {
        Integer dose = f.integer("dose_number");
        if (dose != null && dose < 1) {
          throw f.invalid("dose_number", "must be 1 or more");
        }
        yield new Immunization(name, codes.string("cvx"), dose, f.string("lot_number"), date,
            evidence);
      }
      default -> throw f.invalid("event_type", "unknown event type \"" + type + "\"");
    };
  }

  private static Evidence evidence(Fields f) {
    JsonNode confidence = f.node("confidence");
    if (confidence == null || !confidence.isNumber()) {
      throw f.invalid("confidence", "must be a number from 0 to 1");
    }
    double c = confidence.doubleValue();
    if (!(c >= 0 && c <= 1)) {
      throw f.invalid("confidence", "must be within 0..1, was " + c);
    }
    JsonNode review = f.node("requires_review");
    if (review == null || !review.isBoolean()) {
      throw f.invalid("requires_review", "must be true or false");
    }
    String source = f.string("source_text");
    return new Evidence(c, review.booleanValue(), source == null ? "" : source);
  }

  /** Typed reads of one JSON object's fields, with errors that name the field's path. */
  private static final class Fields {
    private final JsonNode node;
    private final String path;

    Fields(JsonNode node, String path) {
      if (node == null || !node.isObject()) {
        throw new InvalidExtractionException((path.isEmpty() ? "/" : path) + ": must be an object");
      }
      this.node = node;
      this.path = path;
    }

    void onlyKeys(List<String> allowed) {
      Iterator<String> names = node.fieldNames();
      while (names.hasNext()) {
        String key = names.next();
        if (!allowed.contains(key)) {
          throw invalid(key, "is not a field of the schema");
        }
      }
    }

    JsonNode node(String key) {
      JsonNode value = node.get(key);
      return value == null || value.isNull() ? null : value;
    }

    Fields codes() {
      JsonNode codes = node("codes");
      if (codes == null) {
        return new Fields(NODES.objectNode(), path + "/codes");
      }
      Fields f = new Fields(codes, path + "/codes");
      f.onlyKeys(CODE_KEYS);
      return f;
    }

    String string(String key) {
      JsonNode value = node(key);
      if (value == null) {
        return null;
      }
      if (!value.isTextual()) {
        throw invalid(key, "must be a string or null");
      }
      String s = value.textValue().strip();
      return s.isEmpty() ? null : s;
    }

    String requiredString(String key) {
      String s = string(key);
      if (s == null) {
        throw invalid(key, "is required");
      }
      return s;
    }

    String oneOf(String key, Set<String> allowed, String absent) {
      String s = string(key);
      if (s == null) {
        return absent;
      }
      if (!allowed.contains(s)) {
        throw invalid(key, "\"" + s + "\" is not one of " + new java.util.TreeSet<>(allowed));
      }
      return s;
    }

    BigDecimal decimal(String key) {
      JsonNode value = node(key);
      if (value == null) {
        return null;
      }
      if (!value.isNumber()) {
        throw invalid(key, "must be a number or null");
      }
      return value.decimalValue();
    }

    Integer integer(String key) {
      JsonNode value = node(key);
      if (value == null) {
        return null;
      }
      if (!value.isIntegralNumber() || !value.canConvertToInt()) {
        throw invalid(key, "must be an integer or null");
      }
      return value.intValue();
    }

    LocalDate date(String key) {
      String s = string(key);
      if (s == null) {
        return null;
      }
      try {
        return LocalDate.parse(s);
      } catch (DateTimeParseException e) {
        throw invalid(key, "must be a date as YYYY-MM-DD, was \"" + s + "\"");
      }
    }

    InvalidExtractionException invalid(String key, String problem) {
      return new InvalidExtractionException(path + "/" + key + ": " + problem);
    }
  }
}
