package io.exora.documents;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The type of a document comes from its bytes, never from its name. */
class DocumentTypeTest {

  private static Optional<DocumentType> detect(byte[] bytes) {
    byte[] head = Arrays.copyOf(bytes, Math.min(bytes.length, DocumentType.SNIFF_BYTES));
    return DocumentType.detect(head, head.length);
  }

  private static Optional<DocumentType> detect(String text) {
    return detect(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void binaryFormatsByTheirMagicNumbers() {
    assertThat(detect("%PDF-1.7\n...")).contains(DocumentType.PDF);
    assertThat(detect(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0})).contains(DocumentType.PNG);
    assertThat(detect(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0})).contains(DocumentType.JPEG);
    assertThat(detect(new byte[] {'I', 'I', 0x2A, 0, 8, 0})).contains(DocumentType.TIFF);
    assertThat(detect(new byte[] {'M', 'M', 0, 0x2A, 0, 8})).contains(DocumentType.TIFF);
  }

  @Test
  void programsArchivesAndOtherBinariesAreNotDocuments() {
    assertThat(detect(new byte[] {0x7F, 'E', 'L', 'F', 2, 1, 1, 0})).isEmpty();
    assertThat(detect(new byte[] {'M', 'Z', (byte) 0x90, 0, 3, 0})).isEmpty();
    assertThat(detect(new byte[] {'P', 'K', 3, 4, 20, 0})).isEmpty();
    assertThat(detect(new byte[] {'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0, (byte) 0x80, 0, 0})).isEmpty();
    assertThat(detect(new byte[] {'h', 'i', 0, 'x'})).as("a NUL byte is not text").isEmpty();
  }

  @Test
  void structuredRecordsByTheirRoot() {
    assertThat(detect("<?xml version=\"1.0\"?>\n<!-- a CCD -->\n<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><id/></ClinicalDocument>"))
        .contains(DocumentType.CCDA);
    assertThat(detect("<html><body>not a record</body></html>")).isEmpty();
    assertThat(detect("<ClinicalDocument xmlns=\"urn:other\"/>")).as("wrong namespace").isEmpty();
    assertThat(detect("{\"resourceType\": \"Bundle\", \"type\": \"collection\", \"entry\": []}")).contains(DocumentType.FHIR);
    assertThat(detect("{\"name\": \"not fhir\"}")).isEmpty();
  }

  @Test
  void textIsStrictUtf8WithoutControlCharacters() {
    assertThat(detect("Hemoglobin 13.2 g/dL\r\n\tLDL 96 mg/dL\n")).contains(DocumentType.TEXT);
    assertThat(detect("Température 37,2 °C — Müller")).contains(DocumentType.TEXT);
    assertThat(detect(new byte[] {'a', (byte) 0xC3, 0x28})).as("invalid UTF-8").isEmpty();
    assertThat(detect("   \n\t ")).as("only whitespace").isEmpty();
  }

  @Test
  void aCharacterCutAtTheSniffBoundaryIsStillText() {
    byte[] text = new byte[DocumentType.SNIFF_BYTES + 10];
    Arrays.fill(text, (byte) 'a');
    byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
    System.arraycopy(euro, 0, text, DocumentType.SNIFF_BYTES - 1, euro.length);
    assertThat(detect(text)).contains(DocumentType.TEXT);
  }
}
