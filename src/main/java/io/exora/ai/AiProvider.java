package io.exora.ai;

/**
 * A model that turns a document into JSON conforming to a schema. One implementation per vendor
 * (OpenAI, Anthropic, Google Gemini) and one offline ({@code local}); callers depend only on this.
 *
 * <p>Implementations retry what may succeed later (429, 5xx, 529, network errors, timeouts) under
 * one {@link RetryPolicy}, and nothing else. They do not rate-limit: the caller reserves capacity
 * with the shared limiter before the call, using {@link #estimateTokens}, and reconciles it with
 * {@link ExtractionResult#usage()} after.
 */
public interface AiProvider {

  /** "openai", "anthropic", "google" or "local": the provider column of rate limits and prices. */
  String name();

  /**
   * Tokens to reserve before the call: the input, estimated the way the vendors estimate it at
   * admission (about four characters a token, a fixed allowance per page image), plus the
   * request's {@code maxOutputTokens}, which vendors count against a token limit until the answer
   * is known.
   */
  long estimateTokens(ExtractionRequest request);

  /**
   * Runs the extraction.
   *
   * @throws ProviderException with a stable {@link ProviderException.Code}; {@code retryable()}
   *     tells the caller whether trying later may help
   */
  ExtractionResult extract(ExtractionRequest request) throws ProviderException;
}
