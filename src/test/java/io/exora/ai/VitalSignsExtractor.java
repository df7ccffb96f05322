package io.exora.ai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small real offline extractor for the tests (the product's clinical extractor is built
 * elsewhere): it reads blood pressure ("BP 128/82"), heart rate ("HR 71", "pulse 71") and
 * temperature ("Temp 37.2 C") and the letter's date ("2 November 2026" or "2026-11-02") into
 * {@link AiFixtures#SCHEMA}'s shape.
 */
final class VitalSignsExtractor implements OfflineExtractor {
  private static final Pattern BP = Pattern.compile("\\bBP\\s*(\\d{2,3})\\s*/\\s*(\\d{2,3})", Pattern.CASE_INSENSITIVE);
  private static final Pattern HR = Pattern.compile("\\b(?:HR|pulse)\\s*(\\d{2,3})", Pattern.CASE_INSENSITIVE);
  private static final Pattern TEMP =
      Pattern.compile("\\b(?:temp|temperature)\\s*(\\d{2}(?:\\.\\d)?)\\s*°?\\s*C\\b", Pattern.CASE_INSENSITIVE);
  private static final Pattern ISO_DATE = Pattern.compile("\\b(\\d{4}-\\d{2}-\\d{2})\\b");
  private static final Pattern LONG_DATE = Pattern.compile(
      "\\b(\\d{1,2} (?:January|February|March|April|May|June|July|August|September|October|November|December) \\d{4})\\b");
  private static final DateTimeFormatter LONG = DateTimeFormatter.ofPattern("d MMMM uuuu", Locale.ENGLISH);

  @Override
  public String name() {
    return "vital-signs-patterns@1";
  }

  @Override
  public JsonNode extract(String text, JsonNode schema) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    LocalDate date = date(text);
    if (date == null) {
      out.putNull("document_date");
    } else {
      out.put("document_date", date.toString());
    }
    ArrayNode vitals = out.putArray("vitals");
    for (Matcher m = BP.matcher(text); m.find(); ) {
      vitals.addObject().put("kind", "blood_pressure").put("value", Integer.parseInt(m.group(1)))
          .put("secondary", Integer.parseInt(m.group(2))).put("unit", "mmHg");
    }
    for (Matcher m = HR.matcher(text); m.find(); ) {
      vitals.addObject().put("kind", "heart_rate").put("value", Integer.parseInt(m.group(1)))
          .putNull("secondary").put("unit", "bpm");
    }
    for (Matcher m = TEMP.matcher(text); m.find(); ) {
      vitals.addObject().put("kind", "temperature").put("value", new BigDecimal(m.group(1)))
          .putNull("secondary").put("unit", "Cel");
    }
    return out;
  }

  private static LocalDate date(String text) {
    Matcher iso = ISO_DATE.matcher(text);
    if (iso.find()) {
      return LocalDate.parse(iso.group(1));
    }
    Matcher long_ = LONG_DATE.matcher(text);
    return long_.find() ? LocalDate.parse(long_.group(1), LONG) : null;
  }
}
