package io.exora.ai;

import io.exora.ratelimit.VendorSignal;
import java.util.Objects;

/**
 * A provider call that did not produce a valid answer. {@link #code()} is stable and
 * machine-readable (it goes into {@code ai_generations.error_code} and a job's error details);
 * {@link #retryable()} follows from it alone, so there is exactly one list of what is retried.
 */
public final class ProviderException extends Exception {

  /** Why a call failed. Only load, server faults and transport failures are worth retrying. */
  public enum Code {
    /** 429: the vendor's rate limit. */
    RATE_LIMITED("rate_limited", true),
    /** 529: the vendor is overloaded (Anthropic). */
    OVERLOADED("overloaded", true),
    /** Any other 5xx. */
    SERVER_ERROR("server_error", true),
    /** No complete response within the per-request timeout (or a vendor's 408). */
    TIMEOUT("timeout", true),
    /** Connection refused or reset, DNS, TLS: the request may never have arrived. */
    NETWORK("network", true),
    /** 400 and the other 4xx: the request itself is wrong; sending it again cannot help. */
    BAD_REQUEST("bad_request", false),
    /** 401 or 403: the API key is missing, wrong or lacks access. */
    UNAUTHORIZED("unauthorized", false),
    /** A 2xx whose body or answer is not usable: not JSON, truncated, refused, cut off. */
    MALFORMED_RESPONSE("malformed_response", false),
    /** The answer is JSON but does not conform to the request's schema. */
    SCHEMA_VIOLATION("schema_violation", false);

    private final String wire;
    private final boolean retryable;

    Code(String wire, boolean retryable) {
      this.wire = wire;
      this.retryable = retryable;
    }

    /** The stable name: "rate_limited", "schema_violation", ... */
    public String wire() {
      return wire;
    }

    public boolean retryable() {
      return retryable;
    }
  }

  private final Code code;
  private final Integer httpStatus;
  private final VendorSignal signal;
  private final Usage usage;
  private final int attempts;

  /**
   * @param httpStatus the response's status, or null when there was no response
   * @param signal the response's limit signal, or null when there was no response
   * @param usage tokens the vendor counted (and bills) for a response that was then unusable, or null
   */
  public ProviderException(Code code, String message, Integer httpStatus, VendorSignal signal,
      Usage usage, Throwable cause) {
    this(code, message, httpStatus, signal, usage, 1, cause);
  }

  private ProviderException(Code code, String message, Integer httpStatus, VendorSignal signal,
      Usage usage, int attempts, Throwable cause) {
    super(code.wire() + ": " + message, cause);
    this.code = Objects.requireNonNull(code, "code");
    this.httpStatus = httpStatus;
    this.signal = signal;
    this.usage = usage;
    this.attempts = attempts;
  }

  static ProviderException malformed(String message) {
    return new ProviderException(Code.MALFORMED_RESPONSE, message, null, null, null, null);
  }

  /** The answer breaks the schema; the message names the JSON Pointers of the first violations. */
  static ProviderException schemaViolation(String whose, java.util.List<JsonSchema.Violation> violations,
      Usage usage) {
    StringBuilder m = new StringBuilder(whose).append(" output does not conform to the schema: ");
    violations.stream().limit(5).forEach(v -> m.append(v).append("; "));
    m.setLength(m.length() - 2);
    if (violations.size() > 5) {
      m.append(" (and ").append(violations.size() - 5).append(" more)");
    }
    return new ProviderException(Code.SCHEMA_VIOLATION, m.toString(), null, null, usage, null);
  }

  static ProviderException badRequest(String message) {
    return new ProviderException(Code.BAD_REQUEST, message, null, null, null, null);
  }

  /** The same failure, as seen from a response: its status, signal and the tokens it counted. */
  ProviderException from(Integer status, VendorSignal responseSignal, Usage responseUsage) {
    return new ProviderException(code, bareMessage(), status, responseSignal, responseUsage, attempts, getCause());
  }

  /** The same failure after {@code n} attempts in all. */
  ProviderException afterAttempts(int n) {
    ProviderException e = new ProviderException(code, bareMessage(), httpStatus, signal, usage, n, getCause());
    e.setStackTrace(getStackTrace());
    return e;
  }

  private String bareMessage() {
    return getMessage().substring(code.wire().length() + 2);
  }

  public Code code() {
    return code;
  }

  public boolean retryable() {
    return code.retryable();
  }

  /** The HTTP status, or null when no response arrived (timeout, network, a request refused locally). */
  public Integer httpStatus() {
    return httpStatus;
  }

  /** The last response's limit signal ({@code retry-after} included), or null. */
  public VendorSignal signal() {
    return signal;
  }

  /** Tokens the vendor counted for an unusable answer (truncated, off-schema), or null if none. */
  public Usage usage() {
    return usage;
  }

  /** How many HTTP calls were made before giving up. */
  public int attempts() {
    return attempts;
  }
}
