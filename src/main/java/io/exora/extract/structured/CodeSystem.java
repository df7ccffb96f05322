package io.exora.extract.structured;

import java.util.Arrays;

/**
 * The code systems Exora carries over, under both of their names: C-CDA names a system by OID, FHIR
 * by URI (or by {@code urn:oid:...}). Any other system is {@link #OTHER}: its codes still help name
 * an event but are not stored as a typed code.
 */
enum CodeSystem {
  LOINC("LOINC", "2.16.840.1.113883.6.1", "http://loinc.org"),
  SNOMED("SNOMED CT", "2.16.840.1.113883.6.96", "http://snomed.info/sct"),
  RXNORM("RxNorm", "2.16.840.1.113883.6.88", "http://www.nlm.nih.gov/research/umls/rxnorm"),
  ICD10CM("ICD-10-CM", "2.16.840.1.113883.6.90", "http://hl7.org/fhir/sid/icd-10-cm"),
  /** WHO ICD-10; stored as the ICD-10 code when no ICD-10-CM code is given. */
  ICD10("ICD-10", "2.16.840.1.113883.6.3", "http://hl7.org/fhir/sid/icd-10"),
  CVX("CVX", "2.16.840.1.113883.12.292", "http://hl7.org/fhir/sid/cvx"),
  UNII("UNII", "2.16.840.1.113883.4.9", "http://fdasis.nlm.nih.gov"),
  OTHER("code", null, null);

  private final String label;
  private final String oid;
  private final String uri;

  CodeSystem(String label, String oid, String uri) {
    this.label = label;
    this.oid = oid;
    this.uri = uri;
  }

  /** A short name for messages and for naming an event by its code alone: "LOINC 718-7". */
  String label() {
    return label;
  }

  static CodeSystem fromOid(String oid) {
    if (oid == null) {
      return OTHER;
    }
    String trimmed = oid.trim();
    return Arrays.stream(values())
        .filter(s -> s.oid != null && s.oid.equals(trimmed))
        .findFirst()
        .orElse(OTHER);
  }

  static CodeSystem fromUri(String uri) {
    if (uri == null) {
      return OTHER;
    }
    String trimmed = uri.trim();
    if (trimmed.startsWith("urn:oid:")) {
      return fromOid(trimmed.substring("urn:oid:".length()));
    }
    return Arrays.stream(values())
        .filter(s -> s.uri != null && s.uri.equals(trimmed))
        .findFirst()
        .orElse(OTHER);
  }
}
