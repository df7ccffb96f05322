package io.exora.queue;

/** Thrown by a handler when retrying cannot help (bad input): the job is dead-lettered at once. */
public class PermanentJobFailure extends RuntimeException {
  private final String code;

  public PermanentJobFailure(String code, String message) {
    super(message);
    this.code = code;
  }

  public PermanentJobFailure(String code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public String code() {
    return code;
  }
}
