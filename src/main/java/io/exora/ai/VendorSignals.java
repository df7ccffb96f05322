package io.exora.ai;

import com.fasterxml.jackson.databind.JsonNode;
import io.exora.ratelimit.VendorSignal;
import java.math.BigDecimal;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what a vendor's response headers say about its limits into a {@link VendorSignal}.
 *
 * <p>A header that is absent or unreadable becomes null, never an error: a vendor changing a
 * header's format must not fail a call that succeeded. Relative times (OpenAI's "6m0s",
 * {@code retry-after: 30}) become instants on the injected clock.
 */
final class VendorSignals {
  /** Go's duration syntax as OpenAI sends it: "6m0s", "1s", "20ms", "1h2m3.5s". */
  private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|h|m|s)");

  private VendorSignals() {}

  /** How a vendor's response becomes a signal; the body is read only by vendors that need it. */
  @FunctionalInterface
  interface Reader {
    VendorSignal read(int status, HttpHeaders headers, byte[] body, Instant now);
  }

  /** OpenAI: {@code x-ratelimit-{limit,remaining,reset}-{requests,tokens}}, reset as durations. */
  static VendorSignal openAi(int status, HttpHeaders h, byte[] body, Instant now) {
    return new VendorSignal(status,
        number(h, "x-ratelimit-limit-requests"),
        number(h, "x-ratelimit-remaining-requests"),
        after(now, duration(h.firstValue("x-ratelimit-reset-requests").orElse(null))),
        number(h, "x-ratelimit-limit-tokens"),
        number(h, "x-ratelimit-remaining-tokens"),
        after(now, duration(h.firstValue("x-ratelimit-reset-tokens").orElse(null))),
        retryAt(h, now));
  }

  /**
   * Anthropic: {@code anthropic-ratelimit-requests-*} and {@code anthropic-ratelimit-tokens-*}
   * with RFC 3339 resets. The tokens-* headers describe the most restrictive token limit in force;
   * when only the input-tokens-* and output-tokens-* pairs come, the one with fewer tokens left is
   * the binding limit and is the one reported.
   */
  static VendorSignal anthropic(int status, HttpHeaders h, byte[] body, Instant now) {
    String tokens = "anthropic-ratelimit-tokens";
    if (number(h, tokens + "-remaining") == null && number(h, tokens + "-limit") == null) {
      Long input = number(h, "anthropic-ratelimit-input-tokens-remaining");
      Long output = number(h, "anthropic-ratelimit-output-tokens-remaining");
      if (input != null || output != null) {
        tokens = output != null && (input == null || output < input)
            ? "anthropic-ratelimit-output-tokens" : "anthropic-ratelimit-input-tokens";
      }
    }
    return new VendorSignal(status,
        number(h, "anthropic-ratelimit-requests-limit"),
        number(h, "anthropic-ratelimit-requests-remaining"),
        rfc3339(h.firstValue("anthropic-ratelimit-requests-reset").orElse(null)),
        number(h, tokens + "-limit"),
        number(h, tokens + "-remaining"),
        rfc3339(h.firstValue(tokens + "-reset").orElse(null)),
        retryAt(h, now));
  }

  /**
   * Google (Gemini, Vision): no limit headers; a 429 may carry {@code retry-after} or, in the
   * body, a {@code google.rpc.RetryInfo} detail with {@code retryDelay: "13s"}.
   */
  static VendorSignal google(int status, HttpHeaders h, byte[] body, Instant now) {
    Instant retryAt = retryAt(h, now);
    if (retryAt == null && status == 429) {
      retryAt = after(now, googleRetryDelay(body));
    }
    return new VendorSignal(status, null, null, null, null, null, null, retryAt);
  }

  /**
   * When the vendor says to try again: {@code retry-after-ms} (OpenAI), else {@code retry-after}
   * as delay-seconds or an HTTP date (RFC 9110). Null when absent or unreadable.
   */
  static Instant retryAt(HttpHeaders h, Instant now) {
    String millis = h.firstValue("retry-after-ms").orElse(null);
    if (millis != null) {
      try {
        return now.plus(Duration.ofNanos(new BigDecimal(millis.trim()).movePointRight(6).longValueExact()));
      } catch (NumberFormatException | ArithmeticException e) {
        // fall through to retry-after
      }
    }
    String value = h.firstValue("retry-after").map(String::trim).orElse(null);
    if (value == null || value.isEmpty()) {
      return null;
    }
    try {
      BigDecimal seconds = new BigDecimal(value);
      return seconds.signum() < 0 ? null
          : now.plus(Duration.ofNanos(seconds.movePointRight(9).longValueExact()));
    } catch (NumberFormatException | ArithmeticException e) {
      try {
        return ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      } catch (DateTimeParseException notADate) {
        return null;
      }
    }
  }

  /** A Go-style duration ("6m0s", "20ms", "1h2m3.5s"), or null when it is not one. */
  static Duration duration(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    Matcher m = DURATION_PART.matcher(text.trim());
    long nanos = 0;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        return null;
      }
      BigDecimal amount = new BigDecimal(m.group(1));
      long unitNanos = switch (m.group(2)) {
        case "h" -> 3_600_000_000_000L;
        case "m" -> 60_000_000_000L;
        case "s" -> 1_000_000_000L;
        case "ms" -> 1_000_000L;
        case "us", "µs" -> 1_000L;
        default -> 1L;
      };
      try {
        nanos = Math.addExact(nanos, amount.multiply(BigDecimal.valueOf(unitNanos)).longValue());
      } catch (ArithmeticException overflow) {
        return null;
      }
      end = m.end();
    }
    return end == text.trim().length() && end > 0 ? Duration.ofNanos(nanos) : null;
  }

  private static Duration googleRetryDelay(byte[] body) {
    try {
      JsonNode details = Json.MAPPER.readTree(body).path("error").path("details");
      for (JsonNode d : details) {
        if (d.path("@type").asText().endsWith("google.rpc.RetryInfo")) {
          return duration(d.path("retryDelay").asText(null));
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      // not JSON, or not the shape we know: no hint
    }
    return null;
  }

  private static Instant after(Instant now, Duration d) {
    return d == null ? null : now.plus(d);
  }

  private static Long number(HttpHeaders h, String name) {
    String v = h.firstValue(name).map(String::trim).orElse(null);
    if (v == null || v.isEmpty()) {
      return null;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static Instant rfc3339(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(text.trim()).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
