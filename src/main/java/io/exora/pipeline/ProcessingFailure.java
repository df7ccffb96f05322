package io.exora.pipeline;

/**
 * A document that cannot be processed, for a reason a person can read: its file ends as
 * {@code failed} with {@code processing_error = {code, message, stage, retryable: false}}.
 */
final class ProcessingFailure extends Exception {
  private final String code;
  private final String stage;

  ProcessingFailure(String code, String stage, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
    this.stage = stage;
  }

  String code() {
    return code;
  }

  String stage() {
    return stage;
  }
}
