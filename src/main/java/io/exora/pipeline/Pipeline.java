package io.exora.pipeline;

import io.exora.ai.AiConfig;
import io.exora.ai.AiProvider;
import io.exora.ai.AiProviders;
import io.exora.ai.PriceTable;
import io.exora.ai.SignalListener;
import io.exora.db.RequestTransactions;
import io.exora.documents.storage.ObjectStorage;
import io.exora.extract.ocr.ImageReader;
import io.exora.extract.ocr.Tesseract;
import io.exora.extract.pdf.PdfReader;

/** Builds the document-processing handler from its parts: storage, readers and the provider. */
public final class Pipeline {
  private Pipeline() {}

  public static ShellFileProcessor processor(RequestTransactions transactions, ObjectStorage storage, AiConfig ai,
      SignalListener signals) {
    Tesseract tesseract = new Tesseract(Tesseract.Config.defaults());
    DocumentReading reading = new DocumentReading(new PdfReader(PdfReader.Limits.defaults(), tesseract),
        new ImageReader(ImageReader.Limits.defaults(), tesseract));
    AiProvider provider = AiProviders.create(ai, new OfflineClinicalExtractor(), signals);
    return new ShellFileProcessor(transactions, storage, reading,
        new ClinicalExtraction(provider, ai.model(), PriceTable.load()));
  }
}
