package io.exora.extract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class UnreadableDocumentTest {

  @Test
  void aDocumentProblemIsNotRetryable() {
    UnreadableDocument e = new UnreadableDocument(UnreadableDocument.PDF_ENCRYPTED, "locked");

    assertThat(e.code()).isEqualTo("pdf_encrypted");
    assertThat(e.retryable()).isFalse();
    assertThat(e).hasToString("UnreadableDocument[pdf_encrypted]: locked");
  }

  @Test
  void keepsItsCauseAndRetryability() {
    Exception cause = new java.io.IOException("engine missing");
    UnreadableDocument e = new UnreadableDocument(UnreadableDocument.OCR_UNAVAILABLE, "no OCR", true, cause);

    assertThat(e.retryable()).isTrue();
    assertThat(e).hasCause(cause).hasToString("UnreadableDocument[ocr_unavailable, retryable]: no OCR");
  }

  @Test
  void codesAreSnakeCase() {
    assertThatThrownBy(() -> new UnreadableDocument("PdfCorrupt", "x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new UnreadableDocument("pdf-corrupt", "x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new UnreadableDocument(null, "x")).isInstanceOf(IllegalArgumentException.class);
    assertThat(new UnreadableDocument("ccda_invalid", "x").code()).isEqualTo("ccda_invalid");
  }
}
