package io.exora.ai;

import com.fasterxml.jackson.databind.JsonNode;
import io.exora.ai.ProviderException.Code;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The default provider: an {@link OfflineExtractor} running in-process. No network, no key, no
 * cost, so a fresh install extracts documents without any vendor account.
 *
 * <p>It reads text only; a request with only page images is refused (bad_request) because the
 * pages need OCR first. Usage is the token estimate (there is no tokenizer to count with), which
 * keeps usage metering meaningful across providers; the price table prices it at zero. It is never
 * retried: the same text gives the same answer.
 */
public final class LocalProvider implements AiProvider {
  public static final String NAME = "local";
  private static final double CHARS_PER_TOKEN = 4.0;

  private final OfflineExtractor extractor;

  public LocalProvider(OfflineExtractor extractor) {
    this.extractor = Objects.requireNonNull(extractor, "extractor");
  }

  @Override
  public String name() {
    return NAME;
  }

  /** The input's estimate only: nothing is reserved for output an offline engine writes at no cost. */
  @Override
  public long estimateTokens(ExtractionRequest request) {
    return tokens(request.prompt().instructions().length() + request.text().length());
  }

  @Override
  public ExtractionResult extract(ExtractionRequest request) throws ProviderException {
    if (request.text().isBlank()) {
      throw ProviderException.badRequest(
          "the local provider reads text only; run OCR on the " + request.pages().size() + " page image(s) first");
    }
    long started = System.nanoTime();
    JsonNode output = extractor.extract(request.text(), request.schema());
    Duration latency = Duration.ofNanos(System.nanoTime() - started);
    Usage usage = new Usage(estimateTokens(request),
        output == null ? 0 : tokens(Json.bytes(output).length), 0);
    if (output == null) {
      throw new ProviderException(Code.MALFORMED_RESPONSE, extractor.name() + " returned no output",
          null, null, usage, null);
    }
    List<JsonSchema.Violation> violations = JsonSchema.validate(request.schema(), output);
    if (!violations.isEmpty()) {
      throw ProviderException.schemaViolation(extractor.name() + "'s", violations, usage);
    }
    return new ExtractionResult(NAME, output, usage, extractor.name(), latency, 1, null);
  }

  private static long tokens(long chars) {
    return (long) Math.ceil(chars / CHARS_PER_TOKEN);
  }
}
