package io.exora.extract.structured;

import io.exora.clinical.Extraction;
import java.util.List;

/**
 * What a structured reader returns: the events, plus notes on what it deliberately left out (a
 * negated immunization, an entered-in-error resource, resource types it does not map), so the
 * processing result can say why a document yielded fewer events than it holds.
 *
 * @param notes one human-readable sentence each, in document order; empty when nothing was left out
 */
public record ReadResult(Extraction extraction, List<String> notes) {

  public ReadResult {
    notes = List.copyOf(notes);
  }
}
