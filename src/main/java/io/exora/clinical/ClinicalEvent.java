package io.exora.clinical;

import java.time.LocalDate;

/**
 * One coded clinical fact read from a document, before it is written for a patient. Every reader
 * (text patterns, C-CDA, FHIR, an AI model) produces these, so the writer has one shape to store.
 *
 * <p>{@link #date()} is null when the document does not say when the event happened; the writer
 * then uses the document's date.
 */
public sealed interface ClinicalEvent
    permits LabResult, VitalSign, Medication, Condition, Allergy, Immunization {

  /** The name a person would read: "Hemoglobin A1c", "Amoxicillin 500 mg", "Penicillin". */
  String name();

  LocalDate date();

  Evidence evidence();
}
