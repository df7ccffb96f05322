package io.exora.pipeline;

import io.exora.clinical.Extraction;
import io.exora.extract.ReadText;
import io.exora.extract.UnreadableDocument;
import io.exora.extract.ocr.ImageReader;
import io.exora.extract.pdf.PdfReader;
import io.exora.extract.structured.CcdaReader;
import io.exora.extract.structured.DocumentFormatException;
import io.exora.extract.structured.FhirBundleReader;
import io.exora.extract.structured.ReadResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a stored document by its type: structured records (C-CDA, FHIR) straight into events;
 * everything else into text (the text layer, OCR, or the text itself) for clinical extraction.
 */
final class DocumentReading {
  /** What reading found: events already (structured), or text still to extract. */
  sealed interface Read permits Structured, Text {}

  record Structured(Extraction extraction, int notes) implements Read {}

  record Text(String text, int pageCount, Double ocrConfidence) implements Read {}

  private final PdfReader pdfs;
  private final ImageReader images;
  private final CcdaReader ccda = new CcdaReader();
  private final FhirBundleReader fhir = new FhirBundleReader();

  DocumentReading(PdfReader pdfs, ImageReader images) {
    this.pdfs = pdfs;
    this.images = images;
  }

  /**
   * @param type shell_files.document_type
   * @throws ProcessingFailure when the document cannot be read, for a reason named in its code
   */
  Read read(String type, Path file) throws ProcessingFailure, IOException, InterruptedException {
    try {
      return switch (type) {
        case "ccda" -> structured(ccda.read(Files.readAllBytes(file)));
        case "fhir" -> structured(fhir.read(Files.readAllBytes(file)));
        case "text" -> new Text(Files.readString(file, StandardCharsets.UTF_8), 1, null);
        case "pdf" -> text(pdfs.read(file));
        case "png", "jpeg", "tiff" -> text(images.read(file));
        default -> throw new ProcessingFailure("unsupported_document_type", "detection",
            "documents of type '" + type + "' cannot be read", null);
      };
    } catch (DocumentFormatException e) {
      throw new ProcessingFailure(e.code().wire(), "structured_import", e.getMessage(), e);
    } catch (UnreadableDocument e) {
      if (e.retryable()) {
        throw e;  // e.g. OCR missing or timed out: worth another attempt
      }
      throw new ProcessingFailure(e.code(), "text_extraction", e.getMessage(), e);
    } catch (java.nio.charset.MalformedInputException e) {
      throw new ProcessingFailure("text_not_utf8", "text_extraction", "the text is not valid UTF-8", e);
    }
  }

  private static Structured structured(ReadResult result) {
    return new Structured(result.extraction(), result.notes().size());
  }

  private static Text text(ReadText read) {
    return new Text(read.text(), read.pageCount(), read.ocrConfidence());
  }
}
