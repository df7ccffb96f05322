package io.exora.api;

/**
 * An error with its HTTP status and a stable machine code, safe to show the client as it is.
 * Everything else that reaches {@link ErrorMapper} is translated there.
 */
public final class ApiError extends RuntimeException {
  private final int status;
  private final String code;

  public ApiError(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public static ApiError badRequest(String code, String message) {
    return new ApiError(400, code, message);
  }

  public static ApiError notFound(String what) {
    return new ApiError(404, "not_found", what + " not found");
  }

  public static ApiError forbidden(String message) {
    return new ApiError(403, "forbidden", message);
  }
}
