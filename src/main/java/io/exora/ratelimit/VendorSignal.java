package io.exora.ratelimit;

import java.time.Instant;

/**
 * What a vendor said about its own limits in one response, in vendor-neutral terms. The provider
 * layer reads it from response headers (OpenAI {@code x-ratelimit-*}, Anthropic
 * {@code anthropic-ratelimit-*}, {@code retry-after}); the limiter applies it to the shared state
 * so every worker slows down together. Every field is null when the vendor did not send it.
 *
 * @param status the HTTP status of the response; 429 and 529 pause the provider/model
 * @param requestsLimit the vendor's request allowance for its window
 * @param requestsRemaining requests left in that window
 * @param requestsResetAt when the request allowance is whole again
 * @param tokensLimit the vendor's token allowance for its window
 * @param tokensRemaining tokens left in that window
 * @param tokensResetAt when the token allowance is whole again
 * @param retryAt the moment {@code retry-after} names, already converted from seconds or a date
 */
public record VendorSignal(
    int status,
    Long requestsLimit,
    Long requestsRemaining,
    Instant requestsResetAt,
    Long tokensLimit,
    Long tokensRemaining,
    Instant tokensResetAt,
    Instant retryAt) {

  /** True when the vendor refused the call for load: 429 (rate limited) or 529 (overloaded). */
  public boolean isThrottled() {
    return status == 429 || status == 529;
  }
}
