package io.exora.extract.text;

import java.util.List;

/**
 * A vocabulary term found in a line.
 *
 * @param entries the entries the matched synonym names, in vocabulary order (more than one only when
 *     a synonym is shared, as "Glucose" in mg/dL and in mmol/L)
 * @param ocrCorrected the text differs from the synonym by OCR look-alikes ("Hemog1obin")
 */
record TermMatch<T>(List<T> entries, int start, int end, String text, boolean ocrCorrected) {

  T first() {
    return entries.getFirst();
  }
}
