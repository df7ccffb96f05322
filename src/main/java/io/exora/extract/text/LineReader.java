package io.exora.extract.text;

import java.util.List;

/** Reads one family of clinical events from a line. */
interface LineReader {

  List<Found> read(Line line, DocumentDates dates);
}
