package io.exora.documents;

/** An upload refused before anything was kept, for a reason the uploader can act on. */
public final class UploadRejected extends RuntimeException {
  public enum Reason {
    /** 0 bytes. */
    EMPTY,
    /** More than {@link Uploads#MAX_UPLOAD_BYTES}. */
    TOO_LARGE,
    /** Content Exora does not read (decided from the bytes, not the name). */
    UNSUPPORTED_TYPE,
    /** The idempotency key was used before for different content or another profile. */
    IDEMPOTENCY_CONFLICT,
    /** The request is not a well-formed upload (no file part, two files, a bad field). */
    MALFORMED,
    /** The profile's plan allows no more documents, pages or storage this month. */
    PLAN_LIMIT_EXCEEDED
  }

  private final Reason reason;

  public UploadRejected(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
