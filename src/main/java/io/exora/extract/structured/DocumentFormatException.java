package io.exora.extract.structured;

import java.util.Locale;
import java.util.Objects;

/**
 * A structured document that cannot be read, with a stable machine code for the shell file's {@code
 * processing_error}. Every code is permanent: the same bytes fail the same way, so a job that
 * throws this must not be retried.
 *
 * <p>Messages name the problem and where it is (line and column for XML); they never quote the
 * content of a file the document tried to reference.
 */
public final class DocumentFormatException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** The published codes; {@link #wire()} is the form stored and sent to clients. */
  public enum Code {
    /** Not well-formed XML. */
    MALFORMED_XML,
    /** XML with a DOCTYPE: entity expansion (billion laughs) and external entities are refused. */
    UNSAFE_XML,
    /** Well-formed XML whose root is not {@code ClinicalDocument} in {@code urn:hl7-org:v3}. */
    NOT_CCDA,
    /** Not well-formed JSON, or JSON with a duplicate key or trailing content. */
    MALFORMED_JSON,
    /** Well-formed JSON that is not a FHIR resource (no {@code resourceType}). */
    NOT_FHIR,
    /** Over a {@link DocumentLimits} bound: bytes, XML elements, JSON tokens or nesting depth. */
    TOO_LARGE;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Code code;

  public DocumentFormatException(Code code, String message) {
    this(code, message, null);
  }

  public DocumentFormatException(Code code, String message, Throwable cause) {
    super(Objects.requireNonNull(message, "message"), cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  public Code code() {
    return code;
  }

  @Override
  public String toString() {
    return "DocumentFormatException[" + code.wire() + "]: " + getMessage();
  }
}
