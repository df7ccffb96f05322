package io.exora.clinical;

import java.time.LocalDate;
import java.util.List;

/**
 * Everything one reader found in one document.
 *
 * @param documentDate the date the document was written or reported, or null if none was found
 * @param reader the reader and its version, kept with every event ("text-patterns/1", "ccda/1")
 */
public record Extraction(LocalDate documentDate, List<ClinicalEvent> events, String reader) {

  public Extraction {
    events = List.copyOf(events);
  }
}
