package io.exora.ai;

import io.exora.ratelimit.VendorSignal;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** Reads the text of page images. */
public interface OcrProvider {

  /** The text of one page and how sure the engine is of it. */
  record OcrPage(String text, Double confidence) {
    public OcrPage {
      Objects.requireNonNull(text, "text");
      if (confidence != null && !(confidence >= 0 && confidence <= 1)) {
        throw new IllegalArgumentException("confidence must be between 0 and 1, got " + confidence);
      }
    }
  }

  /**
   * @param pages one per image, in the order given; a page without text has "" and a null confidence
   * @param attempts HTTP calls made in all (several batches each count)
   * @param signal the last response's limit signal, or null for an offline engine
   */
  record OcrResult(List<OcrPage> pages, Duration latency, int attempts, VendorSignal signal) {
    public OcrResult {
      pages = List.copyOf(pages);
    }
  }

  /** "google-vision", ... */
  String name();

  OcrResult recognize(List<PageImage> pages) throws ProviderException;
}
