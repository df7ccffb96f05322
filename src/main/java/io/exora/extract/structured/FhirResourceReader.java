package io.exora.extract.structured;

import io.exora.clinical.ClinicalEvent;
import java.util.List;

/** Maps one FHIR resource type to events. */
interface FhirResourceReader {

  /** Adds the events {@code resource} states to {@code out}; notes what it leaves out. */
  void read(FhirResource resource, FhirContext ctx, List<ClinicalEvent> out);
}
