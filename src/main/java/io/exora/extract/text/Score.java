package io.exora.extract.text;

import io.exora.clinical.Evidence;

/**
 * Builds an event's confidence from a base and named penalties, and decides review: an event below
 * {@link #REVIEW_BELOW}, or read through an OCR correction, needs a person to confirm it.
 */
final class Score {

  static final double REVIEW_BELOW = 0.8;

  static final double UNCODED = 0.3;
  static final double MISSING_UNIT = 0.2;
  static final double UNIT_MISMATCH = 0.2;
  static final double OCR_CORRECTED = 0.1;
  static final double OUTSIDE_SECTION = 0.1;
  static final double INFERRED_UNIT = 0.1;
  static final double NO_STRENGTH = 0.1;
  static final double MISSING_RANGE = 0.05;
  static final double WEAK_LABEL = 0.05;
  static final double NO_DATE = 0.05;

  private double value;
  private boolean ocr;

  Score(double base) {
    this.value = base;
  }

  Score minus(double penalty) {
    value -= penalty;
    return this;
  }

  Score minusIf(boolean condition, double penalty) {
    return condition ? minus(penalty) : this;
  }

  Score ocr(boolean corrected) {
    if (corrected && !ocr) {
      ocr = true;
      value -= OCR_CORRECTED;
    }
    return this;
  }

  Evidence evidence(String sourceText) {
    double confidence = Math.round(Math.max(0.05, Math.min(1.0, value)) * 100) / 100.0;
    return new Evidence(confidence, ocr || confidence < REVIEW_BELOW, sourceText.strip());
  }
}
