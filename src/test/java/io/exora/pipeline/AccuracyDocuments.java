package io.exora.pipeline;

import io.exora.clinical.Extraction;
import io.exora.extract.accuracy.AccuracyRun;
import io.exora.extract.accuracy.AccuracySet;
import io.exora.extract.ocr.ImageReader;
import io.exora.extract.ocr.Tesseract;
import io.exora.extract.pdf.PdfReader;
import io.exora.extract.samples.SampleDocuments;
import io.exora.extract.text.ClinicalTextExtractor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs the labelled accuracy set through the pipeline's own read path: each document is written
 * as the file an upload would store (text as is; PDFs typeset with a text layer; PNGs typeset and
 * scanned, both by {@link SampleDocuments}), read by {@link DocumentReading} as the processing
 * handler reads it (PDFBox, Tesseract), and the text given to the offline extractor.
 */
public final class AccuracyDocuments {

  private final DocumentReading reading;
  private final ClinicalTextExtractor extractor = new ClinicalTextExtractor();

  public AccuracyDocuments() {
    Tesseract tesseract = new Tesseract(Tesseract.Config.defaults());
    this.reading = new DocumentReading(new PdfReader(PdfReader.Limits.defaults(), tesseract),
        new ImageReader(ImageReader.Limits.defaults(), tesseract));
  }

  /** Every document of the set, read and extracted, files kept under {@code workDir}. */
  public AccuracyRun run(List<AccuracySet.Document> documents, Path workDir)
      throws IOException, InterruptedException {
    AccuracyRun run = new AccuracyRun();
    for (AccuracySet.Document document : documents) {
      run.add(document, extractor.extract(text(document, workDir)));
    }
    return run;
  }

  /** The text the extractor gets for a document, after its delivery's read path. */
  public String text(AccuracySet.Document document, Path workDir)
      throws IOException, InterruptedException {
    List<String> lines = document.source().lines().toList();
    Path file;
    String type;
    switch (document.delivery()) {
      case TEXT -> {
        file = workDir.resolve(document.name() + ".txt");
        Files.writeString(file, document.source(), StandardCharsets.UTF_8);
        type = "text";
      }
      case PDF -> {
        file = workDir.resolve(document.name() + ".pdf");
        Files.write(file, SampleDocuments.typedReportPdf(lines));
        type = "pdf";
      }
      case PNG -> {
        file = workDir.resolve(document.name() + ".png");
        Files.write(file, SampleDocuments.scannedReportPng(lines));
        type = "png";
      }
      default -> throw new IllegalStateException();
    }
    try {
      return switch (reading.read(type, file)) {
        case DocumentReading.Text t -> t.text();
        case DocumentReading.Structured s -> throw new IllegalStateException(
            document.name() + " was read as a structured record");
      };
    } catch (ProcessingFailure e) {
      throw new IllegalStateException(document.name() + " could not be read: " + e.getMessage(), e);
    }
  }

  /** Extraction only, for a caller that already has the text. */
  public Extraction extract(String text) {
    return extractor.extract(text);
  }
}
