package io.exora.ai;

import io.exora.config.ConfigException;
import java.util.Objects;

/** Builds the configured provider (and Google Vision OCR) from an {@link AiConfig}. */
public final class AiProviders {
  private AiProviders() {}

  /**
   * The provider {@code EXORA_AI_PROVIDER} names.
   *
   * @param offline the engine behind {@code local}; required when the provider is local
   * @param listener hears every vendor response's limit signal (the shared limiter)
   */
  public static AiProvider create(AiConfig config, OfflineExtractor offline, SignalListener listener) {
    return switch (config.provider()) {
      case LOCAL -> new LocalProvider(Objects.requireNonNull(offline,
          "EXORA_AI_PROVIDER is local, which needs an offline extractor"));
      case OPENAI -> new OpenAiProvider(config.openAi().baseUrl(), config.openAi().apiKey().orElseThrow(),
          http(config, listener));
      case ANTHROPIC -> new AnthropicProvider(config.anthropic().baseUrl(),
          config.anthropic().apiKey().orElseThrow(), http(config, listener));
      case GOOGLE -> new GeminiProvider(config.google().baseUrl(), config.google().apiKey().orElseThrow(),
          http(config, listener));
    };
  }

  /** Google Vision OCR with the Google key, whichever provider extracts. */
  public static OcrProvider googleVision(AiConfig config, SignalListener listener) {
    String key = config.google().apiKey().orElseThrow(() ->
        new ConfigException("Google Vision OCR needs GEMINI_API_KEY or GOOGLE_API_KEY"));
    return new GoogleVisionOcr(config.visionBaseUrl(), key, http(config, listener));
  }

  private static VendorHttp http(AiConfig config, SignalListener listener) {
    return VendorHttp.standard(config.timeout(),
        RetryPolicy.standard(RetryPolicy.Settings.defaults(config.maxAttempts())), listener);
  }
}
