package io.exora.extract.structured;

import io.exora.clinical.ClinicalEvent;
import java.util.List;

/** Reads the entries of one kind of C-CDA section into events. */
interface CcdaSectionReader {

  /** Adds the events of {@code section}'s entries to {@code out}; notes what it leaves out. */
  void read(CcdaSection section, CcdaContext ctx, List<ClinicalEvent> out);
}
