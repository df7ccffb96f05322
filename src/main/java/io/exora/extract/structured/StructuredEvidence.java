package io.exora.extract.structured;

import io.exora.clinical.Evidence;

/**
 * Evidence for an event read from coded, structured data. The author coded the fact, so the only
 * doubt left is the mapping itself: confidence is near 1, and review is asked for only when the
 * document left out something the event needs (a value, a name, the date of a vaccination).
 */
final class StructuredEvidence {

  static final double CONFIDENCE = 0.98;

  private StructuredEvidence() {}

  static Evidence of(boolean requiresReview, String sourceText) {
    return new Evidence(
        CONFIDENCE, requiresReview, Texts.clean(sourceText, Texts.MAX_SOURCE_CHARS));
  }
}
