package io.exora.extract.text;

/**
 * The part of a document a line belongs to, from the last heading above it. It decides which
 * readers look at the line and how much they trust it: "Hypertension" under "Problem List" is a
 * diagnosis, under "Family History" it is someone else's.
 */
enum Section {
  /** Before any heading, or prose without one: every reader runs, with strict cues. */
  NONE,
  /** A heading no reader knows ("Patient Information"): treated like {@link #NONE}. */
  OTHER,
  LABS,
  /** A urinalysis panel, where bare "Protein" or "Blood" are urine tests. */
  URINALYSIS,
  VITALS,
  MEDICATIONS,
  /** Medications the patient was told to stop: read with status stopped. */
  STOPPED_MEDICATIONS,
  ALLERGIES,
  /** Problem list, diagnoses, assessment, impression. */
  PROBLEMS,
  /** Past medical or surgical history: conditions whose current status the note does not say. */
  PAST_HISTORY,
  /** History of present illness, hospital course, chief complaint: prose about the patient. */
  NARRATIVE,
  FAMILY_HISTORY,
  SOCIAL_HISTORY,
  REVIEW_OF_SYSTEMS,
  PHYSICAL_EXAM,
  IMMUNIZATIONS,
  /** Vaccines due, recommended or declined: nothing here was given. */
  IMMUNIZATIONS_DUE,
  /** Plan, follow-up, instructions: what should happen, not what has. */
  PLAN;

  boolean isProse() {
    return this == NONE || this == OTHER || this == NARRATIVE;
  }
}
