package io.exora.pipeline;

import io.exora.ai.AiConfig;
import io.exora.ai.AiProvider;
import io.exora.ai.AiProviders;
import io.exora.ai.PriceTable;
import io.exora.db.RequestTransactions;
import io.exora.documents.storage.ObjectStorage;
import io.exora.extract.ocr.ImageReader;
import io.exora.extract.ocr.Tesseract;
import io.exora.extract.pdf.PdfReader;
import io.exora.ratelimit.RateLimiter;

/** Builds the document-processing handler from its parts: storage, readers and the provider. */
public final class Pipeline {
  private Pipeline() {}

  /** Vendor responses' limit signals go to {@code limiter}, which every vendor call leases from. */
  public static ShellFileProcessor processor(RequestTransactions transactions, ObjectStorage storage, AiConfig ai,
      RateLimiter limiter) {
    Tesseract tesseract = new Tesseract(Tesseract.Config.defaults());
    DocumentReading reading = new DocumentReading(new PdfReader(PdfReader.Limits.defaults(), tesseract),
        new ImageReader(ImageReader.Limits.defaults(), tesseract));
    // The transport hands a signal over as soon as it has read the answer: stamping it here lets
    // the limiter compare the vendor's counts as of the answer, not after a wait for a connection.
    AiProvider provider = AiProviders.create(ai, new OfflineClinicalExtractor(),
        (vendor, model, signal) -> limiter.observe(vendor, model, signal, System.nanoTime()));
    return new ShellFileProcessor(transactions, storage, reading,
        new ClinicalExtraction(provider, ai.model(), PriceTable.load(), limiter));
  }
}
