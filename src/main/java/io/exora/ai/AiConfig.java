package io.exora.ai;

import io.exora.config.ConfigException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The AI provider layer's configuration, read from the environment. Every value has a default
 * that works offline: the {@code local} provider, which needs no key.
 *
 * <ul>
 *   <li>{@code EXORA_AI_PROVIDER}: local (default), openai, anthropic, google;</li>
 *   <li>{@code EXORA_AI_MODEL}: default per provider, {@link Provider#defaultModel()};</li>
 *   <li>{@code EXORA_AI_TIMEOUT_SECONDS}: one HTTP call, body included; 1 to 600, default 60;</li>
 *   <li>{@code EXORA_AI_MAX_ATTEMPTS}: HTTP calls per extraction; 1 to 10, default 4;</li>
 *   <li>{@code OPENAI_API_KEY}, {@code OPENAI_BASE_URL} (which includes {@code /v1});</li>
 *   <li>{@code ANTHROPIC_API_KEY}, {@code ANTHROPIC_BASE_URL};</li>
 *   <li>{@code GEMINI_API_KEY} (else {@code GOOGLE_API_KEY}), {@code GEMINI_BASE_URL}: Gemini, and
 *       Vision OCR;</li>
 *   <li>{@code GOOGLE_VISION_BASE_URL}.</li>
 * </ul>
 *
 * <p>The chosen vendor's key must be set; the others' are optional (Vision OCR uses the Google key
 * whatever the provider). Keys never appear in {@link #toString()} or {@link #describe()}.
 */
public record AiConfig(
    Provider provider,
    String model,
    Duration timeout,
    int maxAttempts,
    Vendor openAi,
    Vendor anthropic,
    Vendor google,
    URI visionBaseUrl) {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
  public static final int DEFAULT_MAX_ATTEMPTS = RetryPolicy.Settings.DEFAULT_MAX_ATTEMPTS;

  /** The providers, with the variable that holds each one's key and its default model. */
  public enum Provider {
    LOCAL("local", null, "local"),
    OPENAI("openai", "OPENAI_API_KEY", "gpt-4o-mini"),
    ANTHROPIC("anthropic", "ANTHROPIC_API_KEY", "claude-haiku-4-5"),
    GOOGLE("google", "GEMINI_API_KEY", "gemini-2.5-flash");

    private final String id;
    private final String keyVariable;
    private final String defaultModel;

    Provider(String id, String keyVariable, String defaultModel) {
      this.id = id;
      this.keyVariable = keyVariable;
      this.defaultModel = defaultModel;
    }

    public String id() {
      return id;
    }

    public String defaultModel() {
      return defaultModel;
    }

    static Provider parse(String value) {
      for (Provider p : values()) {
        if (p.id.equals(value.toLowerCase(Locale.ROOT))) {
          return p;
        }
      }
      throw new ConfigException("EXORA_AI_PROVIDER must be one of local, openai, anthropic, google; got '"
          + value + "'");
    }
  }

  /** One vendor's endpoint and key. The key is never printed. */
  public record Vendor(URI baseUrl, Optional<String> apiKey) {
    public Vendor {
      Objects.requireNonNull(baseUrl, "baseUrl");
      Objects.requireNonNull(apiKey, "apiKey");
    }

    @Override
    public String toString() {
      return "Vendor[baseUrl=" + baseUrl + ", apiKey=" + (apiKey.isPresent() ? "set (masked)" : "not set") + "]";
    }
  }

  public AiConfig {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(openAi, "openAi");
    Objects.requireNonNull(anthropic, "anthropic");
    Objects.requireNonNull(google, "google");
    Objects.requireNonNull(visionBaseUrl, "visionBaseUrl");
  }

  public static AiConfig fromEnvironment(Map<String, String> env) {
    Env e = new Env(env);
    Provider provider = e.optional("EXORA_AI_PROVIDER").map(Provider::parse).orElse(Provider.LOCAL);
    AiConfig config = new AiConfig(
        provider,
        e.optional("EXORA_AI_MODEL").orElse(provider.defaultModel()),
        Duration.ofSeconds(e.integer("EXORA_AI_TIMEOUT_SECONDS", (int) DEFAULT_TIMEOUT.toSeconds(), 1, 600)),
        e.integer("EXORA_AI_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS, 1, 10),
        new Vendor(e.url("OPENAI_BASE_URL", OpenAiProvider.DEFAULT_BASE_URL), e.optional("OPENAI_API_KEY")),
        new Vendor(e.url("ANTHROPIC_BASE_URL", AnthropicProvider.DEFAULT_BASE_URL), e.optional("ANTHROPIC_API_KEY")),
        new Vendor(e.url("GEMINI_BASE_URL", GeminiProvider.DEFAULT_BASE_URL),
            e.optional("GEMINI_API_KEY").or(() -> e.optional("GOOGLE_API_KEY"))),
        e.url("GOOGLE_VISION_BASE_URL", GoogleVisionOcr.DEFAULT_BASE_URL));
    config.validate();
    return config;
  }

  /** Refuses a chosen vendor without its key. */
  public void validate() {
    if (model.isBlank() || model.length() > 200) {
      throw new ConfigException("EXORA_AI_MODEL must be 1 to 200 characters");
    }
    Vendor chosen = vendor(provider);
    if (chosen != null && chosen.apiKey().isEmpty()) {
      throw new ConfigException("EXORA_AI_PROVIDER is " + provider.id() + " but " + provider.keyVariable
          + (provider == Provider.GOOGLE ? " (or GOOGLE_API_KEY)" : "") + " is not set");
    }
  }

  /** The vendor's settings, or null for {@code local}. */
  public Vendor vendor(Provider p) {
    return switch (p) {
      case LOCAL -> null;
      case OPENAI -> openAi;
      case ANTHROPIC -> anthropic;
      case GOOGLE -> google;
    };
  }

  /** The effective configuration with keys masked, for the start-up log. */
  public Map<String, Object> describe() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("aiProvider", provider.id());
    out.put("aiModel", model);
    out.put("aiTimeoutSeconds", timeout.toSeconds());
    out.put("aiMaxAttempts", maxAttempts);
    out.put("openai", openAi.toString());
    out.put("anthropic", anthropic.toString());
    out.put("google", google.toString());
    out.put("googleVisionBaseUrl", visionBaseUrl.toString());
    return out;
  }

  @Override
  public String toString() {
    return "AiConfig" + describe();
  }

  /** Typed access to the environment map; blank counts as unset. */
  private record Env(Map<String, String> env) {
    Optional<String> optional(String name) {
      return Optional.ofNullable(env.get(name)).map(String::trim).filter(s -> !s.isEmpty());
    }

    int integer(String name, int fallback, int min, int max) {
      Optional<String> raw = optional(name);
      if (raw.isEmpty()) {
        return fallback;
      }
      try {
        int v = Integer.parseInt(raw.get());
        if (v < min || v > max) {
          throw new ConfigException(name + " must be between " + min + " and " + max + ", got " + v);
        }
        return v;
      } catch (NumberFormatException ex) {
        throw new ConfigException(name + " must be a whole number, got '" + raw.get() + "'");
      }
    }

    URI url(String name, URI fallback) {
      Optional<String> raw = optional(name);
      if (raw.isEmpty()) {
        return fallback;
      }
      try {
        return VendorHttp.requireBaseUrl(URI.create(raw.get()), name);
      } catch (IllegalArgumentException ex) {
        throw new ConfigException(name + " must be an absolute http(s) URL, got '" + raw.get() + "'");
      }
    }
  }
}
