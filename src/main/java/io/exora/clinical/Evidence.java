package io.exora.clinical;

import java.util.Objects;

/**
 * How sure a reader is of an event, and the text it came from, so a person can check it.
 *
 * @param confidence 0..1; structured sources (C-CDA, FHIR) are near 1, free-text patterns lower
 * @param requiresReview true when a person should confirm the event before relying on it
 * @param sourceText the words or element the event was read from, trimmed; may be empty
 */
public record Evidence(double confidence, boolean requiresReview, String sourceText) {

  public Evidence {
    if (!(confidence >= 0 && confidence <= 1)) {
      throw new IllegalArgumentException("confidence must be within 0..1, was " + confidence);
    }
    sourceText = Objects.requireNonNullElse(sourceText, "");
  }
}
