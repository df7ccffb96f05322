package io.exora.extract;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The text read from a PDF or an image, page by page.
 *
 * @param text the pages' text in order, joined by {@link #PAGE_BREAK}
 * @param pageCount the document's page count (equal to {@code pages.size()})
 * @param ocrConfidence the mean confidence over every word OCR found, in 0..1; null when no page
 *     was OCR'd
 */
public record ReadText(String text, int pageCount, List<PageText> pages, Double ocrConfidence) {

  /**
   * Between two pages' text: a form feed on a line of its own, as {@code pdftotext} marks pages.
   * Regexes see it as whitespace ({@code \s}), so a pattern never matches across it by accident
   * more than across a blank line.
   */
  public static final String PAGE_BREAK = "\n\f\n";

  public ReadText {
    Objects.requireNonNull(text, "text");
    pages = List.copyOf(pages);
    if (pageCount != pages.size()) {
      throw new IllegalArgumentException(pageCount + " pages counted but " + pages.size() + " read");
    }
  }

  /**
   * The pages' text joined, with the OCR confidence weighted by the amount of text each OCR'd page
   * gave: a dense page counts for more than a page holding one stamp.
   */
  public static ReadText of(List<PageText> pages) {
    String text = pages.stream().map(PageText::text).collect(Collectors.joining(PAGE_BREAK));
    double weighted = 0;
    long characters = 0;
    boolean anyOcr = false;
    for (PageText page : pages) {
      if (page.source() == PageText.Source.OCR) {
        anyOcr = true;
        long n = page.text().chars().filter(c -> !Character.isWhitespace(c)).count();
        weighted += page.confidence() * n;
        characters += n;
      }
    }
    Double confidence = !anyOcr ? null : characters == 0 ? 0.0 : weighted / characters;
    return new ReadText(text, pages.size(), pages, confidence);
  }

  /** True when no page has any text: nothing for the clinical extractor to read. */
  public boolean isBlank() {
    return text.isBlank();
  }
}
