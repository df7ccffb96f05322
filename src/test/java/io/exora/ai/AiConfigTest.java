package io.exora.ai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.exora.config.ConfigException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AiConfigTest {

  @Test
  void noEnvironmentMeansLocalWithItsDefaults() {
    AiConfig c = AiConfig.fromEnvironment(Map.of());

    assertThat(c.provider()).isEqualTo(AiConfig.Provider.LOCAL);
    assertThat(c.model()).isEqualTo("local");
    assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.maxAttempts()).isEqualTo(4);
    assertThat(c.openAi().baseUrl()).isEqualTo(URI.create("https://api.openai.com/v1"));
    assertThat(c.anthropic().baseUrl()).isEqualTo(URI.create("https://api.anthropic.com"));
    assertThat(c.google().baseUrl()).isEqualTo(URI.create("https://generativelanguage.googleapis.com"));
    assertThat(c.visionBaseUrl()).isEqualTo(URI.create("https://vision.googleapis.com"));
  }

  @Test
  void aVendorWithItsKeyOverridesAndDefaultModel() {
    AiConfig c = AiConfig.fromEnvironment(Map.of(
        "EXORA_AI_PROVIDER", "Anthropic",
        "ANTHROPIC_API_KEY", "sk-ant-secret",
        "ANTHROPIC_BASE_URL", "http://127.0.0.1:9999",
        "EXORA_AI_TIMEOUT_SECONDS", "20",
        "EXORA_AI_MAX_ATTEMPTS", "2"));

    assertThat(c.provider()).isEqualTo(AiConfig.Provider.ANTHROPIC);
    assertThat(c.model()).isEqualTo("claude-haiku-4-5");
    assertThat(c.anthropic().apiKey()).contains("sk-ant-secret");
    assertThat(c.anthropic().baseUrl()).isEqualTo(URI.create("http://127.0.0.1:9999"));
    assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(c.maxAttempts()).isEqualTo(2);
  }

  @Test
  void googleTakesGeminiApiKeyElseGoogleApiKey() {
    assertThat(AiConfig.fromEnvironment(Map.of("EXORA_AI_PROVIDER", "google", "GOOGLE_API_KEY", "g-key"))
        .google().apiKey()).contains("g-key");
    assertThat(AiConfig.fromEnvironment(Map.of("EXORA_AI_PROVIDER", "google", "GOOGLE_API_KEY", "g-key",
        "GEMINI_API_KEY", "gem-key")).google().apiKey()).contains("gem-key");
    assertThat(AiConfig.fromEnvironment(Map.of("EXORA_AI_PROVIDER", "google", "GEMINI_API_KEY", "k",
        "EXORA_AI_MODEL", "gemini-2.5-pro")).model()).isEqualTo("gemini-2.5-pro");
  }

  @Test
  void anUnknownProviderIsRefusedByName() {
    assertThatThrownBy(() -> AiConfig.fromEnvironment(Map.of("EXORA_AI_PROVIDER", "mistral")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("EXORA_AI_PROVIDER must be one of local, openai, anthropic, google; got 'mistral'");
  }

  @Test
  void aChosenVendorWithoutItsKeyIsRefused() {
    assertThatThrownBy(() -> AiConfig.fromEnvironment(Map.of("EXORA_AI_PROVIDER", "openai")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("EXORA_AI_PROVIDER is openai but OPENAI_API_KEY is not set");
    assertThatThrownBy(() -> AiConfig.fromEnvironment(Map.of("EXORA_AI_PROVIDER", "google", "GEMINI_API_KEY", "  ")))
        .hasMessage("EXORA_AI_PROVIDER is google but GEMINI_API_KEY (or GOOGLE_API_KEY) is not set");
    // Keys of vendors not chosen are optional.
    assertThat(AiConfig.fromEnvironment(Map.of("EXORA_AI_PROVIDER", "openai", "OPENAI_API_KEY", "k"))
        .anthropic().apiKey()).isEmpty();
  }

  @Test
  void badNumbersAndUrlsAreRefusedByName() {
    assertThatThrownBy(() -> AiConfig.fromEnvironment(Map.of("EXORA_AI_TIMEOUT_SECONDS", "0")))
        .hasMessage("EXORA_AI_TIMEOUT_SECONDS must be between 1 and 600, got 0");
    assertThatThrownBy(() -> AiConfig.fromEnvironment(Map.of("EXORA_AI_MAX_ATTEMPTS", "three")))
        .hasMessage("EXORA_AI_MAX_ATTEMPTS must be a whole number, got 'three'");
    assertThatThrownBy(() -> AiConfig.fromEnvironment(Map.of("OPENAI_BASE_URL", "api.openai.com/v1")))
        .hasMessage("OPENAI_BASE_URL must be an absolute http(s) URL, got 'api.openai.com/v1'");
    assertThatThrownBy(() -> AiConfig.fromEnvironment(Map.of("GOOGLE_VISION_BASE_URL", "ftp://x")))
        .hasMessageContaining("GOOGLE_VISION_BASE_URL");
  }

  @Test
  void keysNeverAppearInToStringOrDescribe() {
    AiConfig c = AiConfig.fromEnvironment(Map.of(
        "EXORA_AI_PROVIDER", "openai",
        "OPENAI_API_KEY", "sk-live-very-secret",
        "ANTHROPIC_API_KEY", "sk-ant-very-secret",
        "GEMINI_API_KEY", "AIza-very-secret"));

    String printed = c + " " + c.describe() + " " + c.openAi() + " " + c.anthropic() + " " + c.google();

    assertThat(printed).doesNotContain("very-secret").contains("set (masked)").contains("openai");
    assertThat(AiConfig.fromEnvironment(Map.of()).toString()).contains("not set");
  }

  @Test
  void theFactoryBuildsTheChosenProvider() {
    OfflineExtractor none = new OfflineExtractor() {
      @Override
      public String name() {
        return "none@0";
      }

      @Override
      public com.fasterxml.jackson.databind.JsonNode extract(String text, com.fasterxml.jackson.databind.JsonNode schema) {
        throw new UnsupportedOperationException();
      }
    };
    assertThat(AiProviders.create(AiConfig.fromEnvironment(Map.of()), none, SignalListener.NONE))
        .isInstanceOf(LocalProvider.class);
    assertThat(AiProviders.create(AiConfig.fromEnvironment(Map.of("EXORA_AI_PROVIDER", "openai",
        "OPENAI_API_KEY", "k")), null, SignalListener.NONE)).isInstanceOf(OpenAiProvider.class);
    assertThat(AiProviders.create(AiConfig.fromEnvironment(Map.of("EXORA_AI_PROVIDER", "anthropic",
        "ANTHROPIC_API_KEY", "k")), null, SignalListener.NONE).name()).isEqualTo("anthropic");
    assertThat(AiProviders.create(AiConfig.fromEnvironment(Map.of("EXORA_AI_PROVIDER", "google",
        "GEMINI_API_KEY", "k")), null, SignalListener.NONE).name()).isEqualTo("google");
    assertThatThrownBy(() -> AiProviders.googleVision(AiConfig.fromEnvironment(Map.of()), SignalListener.NONE))
        .isInstanceOf(ConfigException.class).hasMessageContaining("GEMINI_API_KEY or GOOGLE_API_KEY");
  }
}
