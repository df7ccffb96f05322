package io.exora.documents;

import io.exora.extract.structured.StructuredFormats;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The kinds of document Exora reads, decided from the first bytes of the content, never from the
 * file's name or the client's Content-Type: a program renamed {@code .pdf} is not a PDF.
 */
public enum DocumentType {
  PDF("application/pdf"),
  PNG("image/png"),
  JPEG("image/jpeg"),
  TIFF("image/tiff"),
  TEXT("text/plain"),
  CCDA("application/xml"),
  FHIR("application/fhir+json");

  /** How much of the content {@link #detect} looks at. */
  public static final int SNIFF_BYTES = 64 * 1024;
  private static final Pattern FHIR_RESOURCE_TYPE = Pattern.compile("\"resourceType\"\\s*:\\s*\"[A-Z][A-Za-z]+\"");

  private final String mimeType;

  DocumentType(String mimeType) {
    this.mimeType = mimeType;
  }

  public String mimeType() {
    return mimeType;
  }

  /** The name kept in shell_files.document_type. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The type of a document from its first bytes (up to {@link #SNIFF_BYTES}; {@code length} may be
   * less when the document is shorter), or empty when Exora does not read such content.
   */
  public static Optional<DocumentType> detect(byte[] head, int length) {
    if (startsWith(head, length, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
      return Optional.of(PNG);
    }
    if (startsWith(head, length, 0xFF, 0xD8, 0xFF)) {
      return Optional.of(JPEG);
    }
    if (startsWith(head, length, 'I', 'I', 0x2A, 0x00) || startsWith(head, length, 'M', 'M', 0x00, 0x2A)) {
      return Optional.of(TIFF);
    }
    if (indexOf(head, Math.min(length, 1024), "%PDF-".getBytes(StandardCharsets.US_ASCII)) >= 0) {
      return Optional.of(PDF);  // the PDF header may follow up to 1 KiB of junk (ISO 32000 readers allow it)
    }
    Optional<String> text = strictUtf8(head, length);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    String s = text.get().strip();
    if (s.startsWith("<")) {
      // The root element decides; the reader later refuses what is unsafe (a DOCTYPE) with a reason.
      return StructuredFormats.isCcda(Arrays.copyOf(head, length)) ? Optional.of(CCDA) : Optional.empty();
    }
    if (s.startsWith("{")) {
      // Only the head is here, so look for the key rather than parse a possibly cut-off object.
      return FHIR_RESOURCE_TYPE.matcher(s).find() ? Optional.of(FHIR) : Optional.empty();
    }
    return s.isEmpty() ? Optional.empty() : Optional.of(TEXT);
  }

  /** The text, if the bytes are UTF-8 with no control characters other than tab, CR, LF and FF. */
  private static Optional<String> strictUtf8(byte[] head, int length) {
    int end = length;
    // A multi-byte character cut at the sniff boundary is not an error: drop its first bytes.
    if (length == SNIFF_BYTES) {
      int back = 0;
      while (back < 3 && end > 0 && (head[end - 1] & 0xC0) == 0x80) {
        end--;
        back++;
      }
      if (end > 0 && (head[end - 1] & 0xC0) == 0xC0) {
        end--;
      }
    }
    int start = startsWith(head, length, 0xEF, 0xBB, 0xBF) ? 3 : 0;
    String s;
    try {
      s = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(head, start, Math.max(0, end - start))).toString();
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7F) {
        return Optional.empty();
      }
    }
    return Optional.of(s);
  }

  private static boolean startsWith(byte[] b, int length, int... prefix) {
    if (length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if ((b[i] & 0xFF) != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(byte[] b, int length, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (b[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
