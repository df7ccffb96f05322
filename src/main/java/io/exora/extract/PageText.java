package io.exora.extract;

import java.util.Objects;

/**
 * The text of one page and where it came from.
 *
 * @param pageNumber 1-based
 * @param confidence for OCR, the mean word confidence in 0..1 (0 when OCR found no words); null
 *     for a text layer, which is exact
 */
public record PageText(int pageNumber, String text, Source source, Double confidence) {

  public enum Source {
    /** The PDF's own text layer. */
    TEXT_LAYER,
    /** Tesseract, on the page's image. */
    OCR
  }

  public PageText {
    if (pageNumber < 1) {
      throw new IllegalArgumentException("pageNumber is 1-based, got " + pageNumber);
    }
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(source, "source");
    if ((source == Source.OCR) != (confidence != null)) {
      throw new IllegalArgumentException("an OCR page has a confidence, a text-layer page has none");
    }
    if (confidence != null && !(confidence >= 0 && confidence <= 1)) {
      throw new IllegalArgumentException("confidence must be in 0..1, got " + confidence);
    }
  }

  public static PageText textLayer(int pageNumber, String text) {
    return new PageText(pageNumber, text, Source.TEXT_LAYER, null);
  }

  public static PageText ocr(int pageNumber, String text, double confidence) {
    return new PageText(pageNumber, text, Source.OCR, confidence);
  }
}
