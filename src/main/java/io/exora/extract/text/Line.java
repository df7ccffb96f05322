package io.exora.extract.text;

import java.time.LocalDate;

/**
 * One line of a document, ready for the readers.
 *
 * @param number 1-based line number in the text (a joined line keeps the first one's number; a line
 *     longer than {@link DocumentReader#MAX_LINE_CHARS} counts as several)
 * @param text the line's content, with an inline heading removed ("Allergies: PCN" gives "PCN")
 * @param section the section the line belongs to
 * @param sectionDate a date written in the section's heading ("Labs (03/12/2026):"), or null
 */
record Line(int number, String text, Section section, LocalDate sectionDate) {}
