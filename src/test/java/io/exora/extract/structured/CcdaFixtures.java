package io.exora.extract.structured;

import java.nio.charset.StandardCharsets;

/** Minimal C-CDA documents around hand-written sections, for edge cases the sample lacks. */
final class CcdaFixtures {

  static final String LOINC = "2.16.840.1.113883.6.1";
  static final String SNOMED = "2.16.840.1.113883.6.96";
  static final String RXNORM = "2.16.840.1.113883.6.88";
  static final String ICD10CM = "2.16.840.1.113883.6.90";
  static final String CVX = "2.16.840.1.113883.12.292";

  private CcdaFixtures() {}

  /** A ClinicalDocument dated 2025-01-01 whose structured body holds {@code sections}. */
  static byte[] document(String sections) {
    return ("""
    <?xml version="1.0" encoding="UTF-8"?>
    <ClinicalDocument xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
      <templateId root="2.16.840.1.113883.10.20.22.1.1" extension="2015-08-01"/>
      <code code="34133-9" codeSystem="2.16.840.1.113883.6.1"/>
      <effectiveTime value="20250101120000-0500"/>
      <component><structuredBody>
    %s
      </structuredBody></component>
    </ClinicalDocument>
    """)
        .formatted(sections)
        .getBytes(StandardCharsets.UTF_8);
  }

  /** A section of {@code loincSectionCode} holding {@code entries}. */
  static String section(String loincSectionCode, String entries) {
    return """
    <component><section>
      <code code="%s" codeSystem="2.16.840.1.113883.6.1"/>
      <text>fixture</text>
      %s
    </section></component>
    """
        .formatted(loincSectionCode, entries);
  }

  static byte[] results(String entries) {
    return document(section("30954-2", entries));
  }

  static byte[] vitals(String entries) {
    return document(section("8716-3", entries));
  }

  static byte[] medications(String entries) {
    return document(section("10160-0", entries));
  }

  static byte[] problems(String entries) {
    return document(section("11450-4", entries));
  }

  static byte[] allergies(String entries) {
    return document(section("48765-2", entries));
  }

  static byte[] immunizations(String entries) {
    return document(section("11369-6", entries));
  }

  /** A bare result observation entry with the given code and value elements. */
  static String resultEntry(String code, String value) {
    return """
    <entry><observation classCode="OBS" moodCode="EVN">
      %s
      <statusCode code="completed"/>
      <effectiveTime value="20241220"/>
      %s
    </observation></entry>
    """
        .formatted(code, value);
  }

  static String vitalObservation(String loinc, String value, String unit) {
    return """
    <component><observation classCode="OBS" moodCode="EVN">
      <code code="%s" codeSystem="2.16.840.1.113883.6.1"/>
      <statusCode code="completed"/>
      <value xsi:type="PQ" value="%s" unit="%s"/>
    </observation></component>
    """
        .formatted(loinc, value, unit);
  }

  static String vitalOrganizer(String components) {
    return """
    <entry><organizer classCode="CLUSTER" moodCode="EVN">
      <statusCode code="completed"/>
      <effectiveTime value="20241201"/>
      %s
    </organizer></entry>
    """
        .formatted(components);
  }

  /**
   * A medication activity for RxNorm 314076 with the given attributes and inner timing elements.
   */
  static String medicationEntry(String attributes, String status, String inner) {
    return """
    <entry><substanceAdministration classCode="SBADM" moodCode="INT" %s>
      <statusCode code="%s"/>
      %s
      <consumable><manufacturedProduct><manufacturedMaterial>
        <code code="314076" codeSystem="2.16.840.1.113883.6.88" displayName="lisinopril 10 MG Oral Tablet"/>
      </manufacturedMaterial></manufacturedProduct></consumable>
    </substanceAdministration></entry>
    """
        .formatted(attributes, status, inner);
  }

  static String immunizationEntry(String attributes, String time) {
    return """
    <entry><substanceAdministration classCode="SBADM" %s>
      <statusCode code="completed"/>
      %s
      <consumable><manufacturedProduct><manufacturedMaterial>
        <code code="140" codeSystem="2.16.840.1.113883.12.292"
              displayName="Influenza, seasonal, injectable, preservative free"/>
      </manufacturedMaterial></manufacturedProduct></consumable>
    </substanceAdministration></entry>
    """
        .formatted(attributes, time);
  }

  /** An allergy concern with one allergy observation for an allergen and nested parts. */
  static String allergyEntry(String observationAttributes, String allergen, String nested) {
    return """
    <entry><act classCode="ACT" moodCode="EVN">
      <code code="CONC" codeSystem="2.16.840.1.113883.5.6"/>
      <statusCode code="active"/>
      <entryRelationship typeCode="SUBJ"><observation classCode="OBS" moodCode="EVN" %s>
        <templateId root="2.16.840.1.113883.10.20.22.4.7"/>
        <code code="ASSERTION" codeSystem="2.16.840.1.113883.5.4"/>
        <statusCode code="completed"/>
        <effectiveTime><low value="20200101"/></effectiveTime>
        <value xsi:type="CD" code="419199007" codeSystem="2.16.840.1.113883.6.96"
               displayName="Allergy to substance"/>
        <participant typeCode="CSM"><participantRole classCode="MANU">
          <playingEntity classCode="MMAT">%s</playingEntity>
        </participantRole></participant>
        %s
      </observation></entryRelationship>
    </act></entry>
    """
        .formatted(observationAttributes, allergen, nested);
  }

  static String reaction(String snomed, String name, String severitySnomed, String severityName) {
    return """
    <entryRelationship typeCode="MFST" inversionInd="true"><observation classCode="OBS" moodCode="EVN">
      <templateId root="2.16.840.1.113883.10.20.22.4.9"/>
      <code code="ASSERTION" codeSystem="2.16.840.1.113883.5.4"/>
      <statusCode code="completed"/>
      <value xsi:type="CD" code="%s" codeSystem="2.16.840.1.113883.6.96" displayName="%s"/>
      <entryRelationship typeCode="SUBJ" inversionInd="true"><observation classCode="OBS" moodCode="EVN">
        <templateId root="2.16.840.1.113883.10.20.22.4.8"/>
        <code code="SEV" codeSystem="2.16.840.1.113883.5.4"/>
        <statusCode code="completed"/>
        <value xsi:type="CD" code="%s" codeSystem="2.16.840.1.113883.6.96" displayName="%s"/>
      </observation></entryRelationship>
    </observation></entryRelationship>
    """
        .formatted(snomed, name, severitySnomed, severityName);
  }

  /** A problem concern (status {@code concernStatus}) holding one problem observation. */
  static String problemEntry(
      String concernStatus,
      String observationAttributes,
      String time,
      String value,
      String nested) {
    return """
    <entry><act classCode="ACT" moodCode="EVN">
      <code code="CONC" codeSystem="2.16.840.1.113883.5.6"/>
      <statusCode code="%s"/>
      <effectiveTime><low value="20230105"/></effectiveTime>
      <entryRelationship typeCode="SUBJ"><observation classCode="OBS" moodCode="EVN" %s>
        <code code="55607006" codeSystem="2.16.840.1.113883.6.96"/>
        <statusCode code="completed"/>
        %s
        %s
        %s
      </observation></entryRelationship>
    </act></entry>
    """
        .formatted(concernStatus, observationAttributes, time, value, nested);
  }
}
