package io.exora.extract.accuracy;

import java.util.Map;
import java.util.Set;

/**
 * One event a labeller recorded for a document.
 *
 * @param type lab, vital, medication, condition, allergy, immunization or document_date
 * @param name the event's name as the labeller wrote it; for vitals, the vital type
 * @param codes every acceptable code in {@link #codeSystem} (empty: matched by name)
 * @param codeSystem loinc, rxnorm, icd10, snomed or cvx; null when {@link #codes} is empty
 * @param value the value as written ("13.2", "118/70", "Negative"); null where none applies
 * @param date ISO date the event must carry (immunizations), or null
 * @param attributes further fields (unit, strength, status, reaction, severity, date of a result)
 *     scored as agreement on matched events only
 * @param line the label file's line, for messages
 */
public record Expected(String type, String name, Set<String> codes, String codeSystem,
    String value, String date, Map<String, String> attributes, int line) {

  public Expected {
    codes = Set.copyOf(codes);
    attributes = Map.copyOf(attributes);
  }

  @Override
  public String toString() {
    return type + " " + name + (codes.isEmpty() ? "" : " " + codeSystem + "=" + new java.util.TreeSet<>(codes))
        + (value == null ? "" : " value=" + value) + (date == null ? "" : " date=" + date);
  }
}
