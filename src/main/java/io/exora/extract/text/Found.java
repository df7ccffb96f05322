package io.exora.extract.text;

import io.exora.clinical.ClinicalEvent;

/**
 * An event a reader found, with the span of the line it was read from. When readers claim
 * overlapping spans, the one that ran first for the section keeps it: "Blood glucose 110 mg/dL" is a
 * vital sign, not also a lab result, and "Penicillin (hives)" is an allergy, not also urticaria.
 */
record Found(ClinicalEvent event, int start, int end) {

  boolean overlaps(Found other) {
    return start < other.end && other.start < end;
  }
}
