package io.exora.extract.accuracy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a hand-written label file ({@code NN-name.labels}, format in
 * {@code src/test/resources/accuracy/README.md}): one event a line, fields separated by '|'.
 * A malformed line is an error naming the file and line, so a typo never silently drops a label.
 */
public final class LabelFile {

  public static final Set<String> TYPES = Set.of("lab", "vital", "medication", "condition",
      "allergy", "immunization");
  private static final Set<String> CODE_SYSTEMS = Set.of("loinc", "rxnorm", "icd10", "snomed",
      "cvx");
  private static final Set<String> VITAL_TYPES = Set.of("blood_pressure", "heart_rate",
      "temperature", "respiratory_rate", "oxygen_saturation", "weight", "height", "bmi",
      "blood_glucose", "head_circumference", "pain_score");

  /** What a label file says: the acceptable document dates and the events. */
  public record Labels(Set<LocalDate> documentDates, List<Expected> events) {
    public Labels {
      documentDates = Set.copyOf(documentDates);
      events = List.copyOf(events);
    }
  }

  private LabelFile() {}

  public static Labels read(Path file) throws IOException {
    return parse(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8));
  }

  public static Labels parse(String fileName, String text) {
    Set<LocalDate> documentDates = new LinkedHashSet<>();
    List<Expected> events = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = fileName + ":" + (i + 1);
      String[] fields = line.split("\\|");
      String type = fields[0].strip().toLowerCase(Locale.ROOT);
      if (fields.length < 2 || fields[1].isBlank()) {
        throw new IllegalArgumentException(where + ": expected 'type | name | key=value ...'");
      }
      if (type.equals("document_date")) {
        for (String d : fields[1].split(",")) {
          documentDates.add(date(d.strip(), where));
        }
        continue;
      }
      if (!TYPES.contains(type)) {
        throw new IllegalArgumentException(where + ": unknown event type '" + type + "'");
      }
      String name = fields[1].strip();
      if (type.equals("vital") && !VITAL_TYPES.contains(name)) {
        throw new IllegalArgumentException(where + ": unknown vital type '" + name + "'");
      }
      Set<String> codes = new LinkedHashSet<>();
      String codeSystem = null;
      String value = null;
      String date = null;
      Map<String, String> attributes = new LinkedHashMap<>();
      for (int f = 2; f < fields.length; f++) {
        String field = fields[f].strip();
        int eq = field.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException(where + ": field '" + field + "' is not key=value");
        }
        String key = field.substring(0, eq).strip().toLowerCase(Locale.ROOT);
        String v = field.substring(eq + 1).strip();
        if (CODE_SYSTEMS.contains(key)) {
          if (codeSystem != null) {
            throw new IllegalArgumentException(where + ": more than one code system");
          }
          codeSystem = key;
          for (String c : v.split(",")) {
            if (!c.isBlank()) {
              codes.add(Codes.normalise(key, c));
            }
          }
        } else if (key.equals("value")) {
          value = v;
        } else if (key.equals("date")) {
          date(v, where);
          if (type.equals("immunization")) {
            date = v;
          } else {
            attributes.put("date", v);
          }
        } else {
          attributes.put(key, v);
        }
      }
      if ((type.equals("lab") || type.equals("vital")) && value == null) {
        throw new IllegalArgumentException(where + ": a " + type + " needs value=");
      }
      if (type.equals("vital") && name.equals("blood_pressure") && !value.contains("/")) {
        throw new IllegalArgumentException(where + ": a blood pressure is written 120/80");
      }
      events.add(new Expected(type, name, codes, codeSystem, value, date, attributes, i + 1));
    }
    if (documentDates.isEmpty()) {
      throw new IllegalArgumentException(fileName + ": no document_date line");
    }
    return new Labels(documentDates, events);
  }

  private static LocalDate date(String s, String where) {
    try {
      return LocalDate.parse(s);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(where + ": '" + s + "' is not a date (YYYY-MM-DD)");
    }
  }
}
