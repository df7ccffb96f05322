package io.exora.extract.structured;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One resource of a Bundle (or the document itself when it is a single resource).
 *
 * @param label how notes and evidence name it: "Observation/hgb-1", or "entry 4 (Observation)" when
 *     it has no id
 */
record FhirResource(JsonNode json, String type, String label) {

  static FhirResource of(JsonNode json, int entryIndex) {
    String type = FhirJson.text(json, "resourceType");
    String id = FhirJson.text(json, "id");
    String label = id != null ? type + "/" + id : "entry " + (entryIndex + 1) + " (" + type + ")";
    return new FhirResource(json, type, label);
  }

  String status() {
    return FhirJson.text(json, "status");
  }

  /** The source text kept with an event: the resource's label, and the words that matter. */
  String source(String detail) {
    return detail == null ? label : label + ": " + detail;
  }
}
