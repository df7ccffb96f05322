package io.exora.extract.structured;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What the resource readers of one FHIR document share: reference resolution (a MedicationRequest's
 * {@code medicationReference} points at a contained or bundled Medication) and the notes on what
 * was left out, including a count of unmapped resource types.
 */
final class FhirContext {

  private final Map<String, JsonNode> byReference = new HashMap<>();
  private final List<String> notes = new ArrayList<>();
  private final Map<String, Integer> ignored = new TreeMap<>();

  /**
   * @param fullUrls each resource's {@code fullUrl} in the Bundle, or null; resources are found by
   *     fullUrl ("urn:uuid:...", "https://host/fhir/Medication/1") and by "Type/id"
   */
  FhirContext(List<FhirResource> resources, List<String> fullUrls) {
    for (int i = 0; i < resources.size(); i++) {
      JsonNode json = resources.get(i).json();
      String id = FhirJson.text(json, "id");
      if (id != null) {
        byReference.putIfAbsent(resources.get(i).type() + "/" + id, json);
      }
      if (fullUrls.get(i) != null) {
        byReference.putIfAbsent(fullUrls.get(i), json);
      }
    }
  }

  /**
   * The resource a Reference points to: "#id" among {@code owner}'s contained resources, else a
   * bundled resource by fullUrl or "Type/id" (an absolute URL also matches by its "Type/id" tail).
   * Null when it is not in the document.
   */
  JsonNode resolve(JsonNode owner, JsonNode reference) {
    String ref = FhirJson.text(reference, "reference");
    if (ref == null) {
      return null;
    }
    if (ref.startsWith("#")) {
      for (JsonNode contained : owner.path("contained")) {
        if (ref.substring(1).equals(FhirJson.text(contained, "id"))) {
          return contained;
        }
      }
      return null;
    }
    JsonNode found = byReference.get(ref);
    if (found == null) {
      String[] parts = ref.split("/");
      if (parts.length >= 2) {
        found = byReference.get(parts[parts.length - 2] + "/" + parts[parts.length - 1]);
      }
    }
    return found;
  }

  void note(String note) {
    notes.add(note);
  }

  /**
   * True, after noting why, when the resource's verificationStatus withdraws it: a refuted or
   * entered-in-error condition or allergy is not a fact about the patient.
   */
  boolean withdrawn(FhirResource resource) {
    List<String> verification = FhirJson.codes(resource.json().path("verificationStatus"));
    if (verification.contains("entered-in-error") || verification.contains("refuted")) {
      skipped(resource, verification.contains("refuted") ? "refuted" : "entered in error");
      return true;
    }
    return false;
  }

  void skipped(FhirResource resource, String why) {
    notes.add(resource.label() + ": " + why + "; skipped");
  }

  void ignore(String what) {
    ignored.merge(what, 1, Integer::sum);
  }

  /** The notes, ending with one that counts resources of unmapped types, if any. */
  List<String> notes() {
    List<String> all = new ArrayList<>(notes);
    if (!ignored.isEmpty()) {
      int total = ignored.values().stream().mapToInt(Integer::intValue).sum();
      all.add(
          "ignored "
              + total
              + (total == 1 ? " resource" : " resources")
              + " of types this reader does not map: "
              + ignored.entrySet().stream()
                  .map(e -> e.getKey() + " x" + e.getValue())
                  .collect(Collectors.joining(", ")));
    }
    return all;
  }
}
