package io.exora.ai;

/**
 * Tokens one call consumed, in one convention for every vendor: {@code inputTokens} counts every
 * input token, including those read from a cache; {@code cachedTokens} is the part of them that
 * was read from a cache (and is billed at the cached price).
 */
public record Usage(long inputTokens, long outputTokens, long cachedTokens) {
  public static final Usage NONE = new Usage(0, 0, 0);

  public Usage {
    if (inputTokens < 0 || outputTokens < 0 || cachedTokens < 0) {
      throw new IllegalArgumentException("token counts must not be negative");
    }
    if (cachedTokens > inputTokens) {
      throw new IllegalArgumentException(
          "cached tokens (" + cachedTokens + ") are part of the input tokens (" + inputTokens + ")");
    }
  }

  public long totalTokens() {
    return inputTokens + outputTokens;
  }
}
