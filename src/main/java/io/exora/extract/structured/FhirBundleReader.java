package io.exora.extract.structured;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.exora.clinical.ClinicalEvent;
import io.exora.clinical.Extraction;
import io.exora.extract.structured.DocumentFormatException.Code;
import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reads a FHIR R4 Bundle (any type: collection, transaction, document, searchset) or a single
 * resource in JSON into clinical events, resource by resource: Observation, MedicationStatement,
 * MedicationRequest, Condition, AllergyIntolerance and Immunization.
 *
 * <p>Resources that only give context (Patient, Practitioner, Encounter, a Medication read through
 * a reference, ...) are passed over silently; any other type is counted in a note, so a Bundle full
 * of Procedures says why it yielded nothing. The reader is stateless and thread-safe.
 */
public final class FhirBundleReader {

  public static final String READER = "fhir-r4/1";

  /** Types that describe who, where and what for; the events themselves are elsewhere. */
  private static final Set<String> CONTEXT_TYPES =
      Set.of(
          "Patient",
          "Practitioner",
          "PractitionerRole",
          "Organization",
          "Encounter",
          "Location",
          "RelatedPerson",
          "Medication",
          "Composition",
          "DiagnosticReport",
          "Provenance",
          "Specimen",
          "Device");

  private final DocumentLimits limits;
  private final ObjectMapper mapper;
  private final Map<String, FhirResourceReader> readers;

  public FhirBundleReader() {
    this(DocumentLimits.DEFAULT);
  }

  public FhirBundleReader(DocumentLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
    JsonFactory factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(limits.maxDepth())
                    .maxTokenCount(limits.maxJsonTokens())
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    this.mapper =
        JsonMapper.builder(factory)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
            .build();
    FhirMedications medications = new FhirMedications();
    this.readers =
        Map.of(
            "Observation", new FhirObservations(),
            "MedicationStatement", medications,
            "MedicationRequest", medications,
            "Condition", new FhirConditions(),
            "AllergyIntolerance", new FhirAllergies(),
            "Immunization", new FhirImmunizations());
  }

  /**
   * @throws DocumentFormatException {@code too_large}, {@code malformed_json} or {@code not_fhir}
   */
  public ReadResult read(byte[] json) {
    JsonNode root = parse(json);
    List<FhirResource> resources = new ArrayList<>();
    List<String> fullUrls = new ArrayList<>();
    boolean isBundle = "Bundle".equals(FhirJson.text(root, "resourceType"));
    if (isBundle) {
      JsonNode entries = root.path("entry");
      if (!entries.isMissingNode() && !entries.isArray()) {
        throw new DocumentFormatException(Code.NOT_FHIR, "the Bundle's \"entry\" is not an array");
      }
      for (int i = 0; i < entries.size(); i++) {
        JsonNode resource = entries.get(i).path("resource");
        if (FhirJson.text(resource, "resourceType") != null) { // a DELETE entry has none
          resources.add(FhirResource.of(resource, i));
          fullUrls.add(FhirJson.text(entries.get(i), "fullUrl"));
        }
      }
    } else {
      resources.add(FhirResource.of(root, 0));
      fullUrls.add(null);
    }
    FhirContext ctx = new FhirContext(resources, fullUrls);
    List<ClinicalEvent> events = new ArrayList<>();
    for (FhirResource resource : resources) {
      FhirResourceReader reader = readers.get(resource.type());
      if (reader != null) {
        reader.read(resource, ctx, events);
      } else if (!CONTEXT_TYPES.contains(resource.type())) {
        ctx.ignore(resource.type());
      }
    }
    LocalDate documentDate = isBundle ? documentDate(root, resources) : null;
    return new ReadResult(new Extraction(documentDate, events, READER), ctx.notes());
  }

  private JsonNode parse(byte[] json) {
    if (json.length > limits.maxBytes()) {
      throw new DocumentFormatException(
          Code.TOO_LARGE,
          "the JSON document is "
              + json.length
              + " bytes; the limit is "
              + limits.maxBytes()
              + " bytes");
    }
    JsonNode root;
    try {
      root = mapper.readTree(json);
    } catch (StreamConstraintsException e) {
      throw new DocumentFormatException(
          Code.TOO_LARGE, "the JSON document is too large: " + e.getOriginalMessage(), e);
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " at line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr();
      throw new DocumentFormatException(
          Code.MALFORMED_JSON, "malformed JSON" + where + ": " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new DocumentFormatException(
          Code.MALFORMED_JSON, "unreadable JSON: " + e.getMessage(), e);
    }
    if (root == null || root.isMissingNode()) {
      throw new DocumentFormatException(Code.MALFORMED_JSON, "the JSON document is empty");
    }
    if (!root.isObject() || FhirJson.text(root, "resourceType") == null) {
      throw new DocumentFormatException(
          Code.NOT_FHIR, "the JSON document is not a FHIR resource: it has no \"resourceType\"");
    }
    return root;
  }

  /** A document Bundle's Composition date, else the Bundle's timestamp. */
  private static LocalDate documentDate(JsonNode bundle, List<FhirResource> resources) {
    for (FhirResource resource : resources) {
      if (resource.type().equals("Composition")) {
        LocalDate date = FhirJson.date(resource.json(), "date");
        if (date != null) {
          return date;
        }
      }
    }
    return FhirJson.date(bundle, "timestamp");
  }
}
