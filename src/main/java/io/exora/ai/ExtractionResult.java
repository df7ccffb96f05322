package io.exora.ai;

import com.fasterxml.jackson.databind.JsonNode;
import io.exora.ratelimit.VendorSignal;
import java.time.Duration;
import java.util.Objects;

/**
 * A successful extraction.
 *
 * @param provider "openai", "anthropic", "google" or "local"
 * @param output the answer, already validated against the request's schema
 * @param usage the tokens the vendor counted (for {@code local}: the estimate)
 * @param modelReturned the model the vendor says answered (often a dated snapshot of the one asked)
 * @param latency the whole call, retries and their waits included
 * @param attempts how many HTTP calls it took (1 when the first succeeded)
 * @param signal what the last response said about the vendor's limits; null for {@code local}
 */
public record ExtractionResult(
    String provider,
    JsonNode output,
    Usage usage,
    String modelReturned,
    Duration latency,
    int attempts,
    VendorSignal signal) {

  public ExtractionResult {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(output, "output");
    Objects.requireNonNull(usage, "usage");
    Objects.requireNonNull(modelReturned, "modelReturned");
    Objects.requireNonNull(latency, "latency");
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1");
    }
  }
}
