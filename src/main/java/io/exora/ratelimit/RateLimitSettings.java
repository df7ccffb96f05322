package io.exora.ratelimit;

/**
 * One (provider, endpoint) pair's limits as an operator sets them. Null means no limit of that
 * kind; the database refuses zero, negative, unknown providers and a pair with no limit at all
 * (22023, mapped to 400).
 *
 * @param endpoint a model ("gpt-4o-mini"), an endpoint ("vision-api"), or "*" for every model of
 *     the provider without a row of its own
 * @param status active, maintenance or disabled (the last two defer every call)
 * @param backpressureDelaySeconds how long a 429/529 without retry-after pauses the pair
 */
public record RateLimitSettings(String provider, String endpoint, Integer requestsPerMinute,
    Integer requestsPerHour, Long tokensPerMinute, Long tokensPerHour, Integer concurrentRequests,
    String status, Integer backpressureDelaySeconds) {
  public static final String DEFAULT_STATUS = "active";
  public static final int DEFAULT_BACKPRESSURE_DELAY_SECONDS = 5;
}
