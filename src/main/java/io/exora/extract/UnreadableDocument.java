package io.exora.extract;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A document Exora cannot turn into text, with a stable machine {@link #code()}, a message the
 * uploader understands, and whether trying again later could help.
 *
 * <p>The job handler stores these three in {@code shell_files.processing_error}, so codes never
 * change once published. The constants are the codes the PDF, OCR and image readers raise; other
 * readers may add their own in the same snake_case form. Messages never quote document content.
 */
public final class UnreadableDocument extends RuntimeException {

  public static final String PDF_CORRUPT = "pdf_corrupt";
  public static final String PDF_ENCRYPTED = "pdf_encrypted";
  public static final String TOO_MANY_PAGES = "too_many_pages";
  public static final String TOO_MANY_SCANNED_PAGES = "too_many_scanned_pages";
  public static final String TEXT_TOO_LONG = "text_too_long";
  public static final String IMAGE_TOO_LARGE = "image_too_large";
  public static final String IMAGE_CORRUPT = "image_corrupt";
  public static final String UNSUPPORTED_IMAGE = "unsupported_image";
  public static final String OCR_UNAVAILABLE = "ocr_unavailable";
  public static final String OCR_TIMEOUT = "ocr_timeout";
  public static final String OCR_FAILED = "ocr_failed";
  public static final String NO_TEXT = "no_text";

  private static final Pattern SNAKE_CASE = Pattern.compile("[a-z][a-z0-9]*(_[a-z0-9]+)*");
  private static final long serialVersionUID = 1L;

  private final String code;
  private final boolean retryable;

  /** A problem with the document itself: reading it again gives the same answer. */
  public UnreadableDocument(String code, String message) {
    this(code, message, false, null);
  }

  /**
   * @param retryable true only when the cause is outside the document (the OCR engine is missing
   *     or the machine was too busy), so a later attempt may succeed
   */
  public UnreadableDocument(String code, String message, boolean retryable, Throwable cause) {
    super(Objects.requireNonNull(message, "message"), cause);
    if (code == null || !SNAKE_CASE.matcher(code).matches()) {
      throw new IllegalArgumentException("an error code must be snake_case, got: " + code);
    }
    this.code = code;
    this.retryable = retryable;
  }

  /** A problem with the document itself, keeping the low-level cause for the logs. */
  public static UnreadableDocument permanent(String code, String message, Throwable cause) {
    return new UnreadableDocument(code, message, false, cause);
  }

  /** The stable machine code, e.g. {@code pdf_encrypted}. */
  public String code() {
    return code;
  }

  /** Whether the same document may be read successfully on a later attempt. */
  public boolean retryable() {
    return retryable;
  }

  @Override
  public String toString() {
    return "UnreadableDocument[" + code + (retryable ? ", retryable" : "") + "]: " + getMessage();
  }
}
