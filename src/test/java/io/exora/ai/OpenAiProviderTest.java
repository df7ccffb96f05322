package io.exora.ai;

import static io.exora.ai.AiFixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.exora.ai.ProviderException.Code;
import io.exora.ratelimit.VendorSignal;
import java.net.URI;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** OpenAI Chat Completions with json_schema structured output, against a loopback vendor. */
class OpenAiProviderTest extends ProviderContractTest {
  static final String KEY = "sk-test-openai-key";

  @Override
  AiProvider create(URI baseUrl, VendorHttp http) {
    return new OpenAiProvider(URI.create(baseUrl + "/v1"), KEY, http);
  }

  @Override
  String model() {
    return "gpt-4o-mini";
  }

  @Override
  String answer(String output) {
    return body(output, "stop");
  }

  @Override
  String cutOffAnswer() {
    return body("{\"document_date\":\"2026-11-02\",\"vitals\":[{\"kind\":\"blood_pre", "length");
  }

  private static String body(String content, String finishReason) {
    ObjectNode b = JsonNodeFactory.instance.objectNode();
    b.put("id", "chatcmpl-123").put("object", "chat.completion").put("model", "gpt-4o-mini-2024-07-18");
    ObjectNode choice = b.putArray("choices").addObject();
    choice.put("index", 0).put("finish_reason", finishReason);
    choice.putObject("message").put("role", "assistant").put("content", content).putNull("refusal");
    ObjectNode usage = b.putObject("usage");
    usage.put("prompt_tokens", 1_200).put("completion_tokens", 90).put("total_tokens", 1_290);
    usage.putObject("prompt_tokens_details").put("cached_tokens", 200);
    return b.toString();
  }

  @Override
  String error(String message) {
    return "{\"error\":{\"message\":\"" + message + "\",\"type\":\"invalid_request_error\",\"code\":null}}";
  }

  @Test
  void theRequestIsAStrictJsonSchemaChatCompletion() throws Exception {
    vendor.reply(200, answer(AiFixtures.GOOD_OUTPUT));
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};
    ExtractionRequest request = new ExtractionRequest(AiFixtures.PROMPT, AiFixtures.LETTER,
        List.of(new PageImage(png, "image/png")), AiFixtures.SCHEMA, "gpt-4o-mini", 800, 0.0);

    ExtractionResult result = provider(1).extract(request);

    VendorServer.Received sent = vendor.onlyRequest();
    assertThat(sent.method()).isEqualTo("POST");
    assertThat(sent.path()).isEqualTo("/v1/chat/completions");
    assertThat(sent.header("authorization")).isEqualTo("Bearer " + KEY);
    assertThat(sent.header("content-type")).isEqualTo("application/json");
    JsonNode body = sent.json();
    assertThat(body.path("model").asText()).isEqualTo("gpt-4o-mini");
    assertThat(body.path("max_completion_tokens").asInt()).isEqualTo(800);
    assertThat(body.path("temperature").asDouble()).isEqualTo(0.0);
    assertThat(body.path("messages").path(0).path("role").asText()).isEqualTo("system");
    assertThat(body.path("messages").path(0).path("content").asText()).isEqualTo(AiFixtures.PROMPT.instructions());
    JsonNode content = body.path("messages").path(1).path("content");
    assertThat(content.path(0).path("text").asText()).isEqualTo(AiFixtures.LETTER);
    assertThat(content.path(1).path("image_url").path("url").asText())
        .isEqualTo("data:image/png;base64," + Base64.getEncoder().encodeToString(png));
    JsonNode format = body.path("response_format");
    assertThat(format.path("type").asText()).isEqualTo("json_schema");
    assertThat(format.path("json_schema").path("name").asText()).isEqualTo("vitals_extract");
    assertThat(format.path("json_schema").path("strict").asBoolean()).isTrue();
    assertThat(format.path("json_schema").path("schema")).isEqualTo(AiFixtures.SCHEMA);
    assertThat(result.modelReturned()).isEqualTo("gpt-4o-mini-2024-07-18");
  }

  @Test
  void theDefaultTemperatureIsLeftToTheVendor() throws Exception {
    vendor.reply(200, answer(AiFixtures.GOOD_OUTPUT));

    extract(provider(1));

    assertThat(vendor.onlyRequest().json().has("temperature")).isFalse();
  }

  @Test
  void theRateLimitHeadersBecomeTheSignal() throws Exception {
    vendor.reply(200, answer(AiFixtures.GOOD_OUTPUT),
        "x-ratelimit-limit-requests", "500",
        "x-ratelimit-remaining-requests", "499",
        "x-ratelimit-reset-requests", "120ms",
        "x-ratelimit-limit-tokens", "200000",
        "x-ratelimit-remaining-tokens", "198710",
        "x-ratelimit-reset-tokens", "6m0s");

    VendorSignal s = extract(provider(1)).signal();

    assertThat(s).isEqualTo(new VendorSignal(200, 500L, 499L, NOW.plusMillis(120), 200_000L, 198_710L,
        NOW.plusSeconds(360), null));
  }

  @Test
  void retryAfterMsIsPreferredToRetryAfter() throws Exception {
    vendor.reply(429, error("Rate limit reached"), "retry-after-ms", "1500", "retry-after", "2",
            "x-ratelimit-remaining-tokens", "0", "x-ratelimit-reset-tokens", "1.5s")
        .reply(200, answer(AiFixtures.GOOD_OUTPUT));

    extract(provider(2));

    assertThat(sleeper.waits).containsExactly(Duration.ofMillis(1_500));
    assertThat(listener.signals.get(0).tokensRemaining()).isZero();
    assertThat(listener.signals.get(0).tokensResetAt()).isEqualTo(NOW.plusMillis(1_500));
  }

  @Test
  void aRefusalIsAnUnusableAnswer() {
    ObjectNode b = (ObjectNode) AiFixtures.json(answer("{}"));
    ((ObjectNode) b.path("choices").path(0).path("message")).putNull("content").put("refusal", "I can't help with that.");
    vendor.reply(200, b.toString());

    ProviderException e = failure(provider(3));

    assertThat(e.code()).isEqualTo(Code.MALFORMED_RESPONSE);
    assertThat(e.getMessage()).contains("refused").contains("I can't help with that.");
    assertThat(vendor.requests()).hasSize(1);
  }

  @Test
  void malformedJsonInsideTheMessageIsPermanent() {
    vendor.reply(200, answer("{\"document_date\": 2026-11-02}"));

    ProviderException e = failure(provider(3));

    assertThat(e.code()).isEqualTo(Code.MALFORMED_RESPONSE);
    assertThat(e.getMessage()).contains("the model's output is not valid JSON");
    assertThat(e.usage()).isEqualTo(ANSWER_USAGE);
  }

  @Test
  void aResponseLargerThanTheLimitIsRefused() {
    vendor.reply(200, "{\"pad\":\"" + "x".repeat(HttpTransport.MAX_RESPONSE_BYTES) + "\"}");

    ProviderException e = failure(provider(3));

    assertThat(e.code()).isEqualTo(Code.MALFORMED_RESPONSE);
    assertThat(e.getMessage()).contains("larger than " + HttpTransport.MAX_RESPONSE_BYTES);
  }

  @Test
  void aPageImageIsEstimatedAtTheHighDetailMaximum() {
    ExtractionRequest textOnly = AiFixtures.request(model());
    ExtractionRequest withPage = new ExtractionRequest(textOnly.prompt(), textOnly.text(),
        List.of(new PageImage(new byte[] {1}, "image/jpeg")), textOnly.schema(), model(), 1_000, null);

    assertThat(provider(1).estimateTokens(withPage) - provider(1).estimateTokens(textOnly)).isEqualTo(1_445);
  }
}
