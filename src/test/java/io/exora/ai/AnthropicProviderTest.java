package io.exora.ai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.exora.ai.ProviderException.Code;
import io.exora.ratelimit.VendorSignal;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Anthropic Messages with one forced tool as the structured output, against a loopback vendor. */
class AnthropicProviderTest extends ProviderContractTest {
  static final String KEY = "sk-ant-test-key";

  @Override
  AiProvider create(URI baseUrl, VendorHttp http) {
    return new AnthropicProvider(baseUrl, KEY, http);
  }

  @Override
  String model() {
    return "claude-haiku-4-5";
  }

  @Override
  int overloadedStatus() {
    return 529;
  }

  @Override
  Code overloadedCode() {
    return Code.OVERLOADED;
  }

  @Override
  String answer(String output) {
    ObjectNode b = base("tool_use");
    ArrayNode content = b.putArray("content");
    content.addObject().put("type", "text").put("text", "Recording the vitals.");
    content.addObject().put("type", "tool_use").put("id", "toolu_01").put("name", "vitals_extract")
        .set("input", AiFixtures.json(output));
    return b.toString();
  }

  @Override
  String cutOffAnswer() {
    // A tool call cut off at max_tokens: Anthropic returns what it has, marked max_tokens.
    ObjectNode b = base("max_tokens");
    b.putArray("content").addObject().put("type", "tool_use").put("id", "toolu_01").put("name", "vitals_extract")
        .putObject("input");
    return b.toString();
  }

  private static ObjectNode base(String stopReason) {
    ObjectNode b = JsonNodeFactory.instance.objectNode();
    b.put("id", "msg_01").put("type", "message").put("role", "assistant")
        .put("model", "claude-haiku-4-5-20251001").put("stop_reason", stopReason).putNull("stop_sequence");
    b.putObject("usage").put("input_tokens", 1_000).put("cache_creation_input_tokens", 0)
        .put("cache_read_input_tokens", 200).put("output_tokens", 90);
    return b;
  }

  @Override
  String error(String message) {
    return "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"" + message + "\"}}";
  }

  @Test
  void theRequestForcesTheOneToolWhoseSchemaIsTheAnswer() throws Exception {
    vendor.reply(200, answer(AiFixtures.GOOD_OUTPUT));
    byte[] jpeg = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 7};
    ExtractionRequest request = new ExtractionRequest(AiFixtures.PROMPT, AiFixtures.LETTER,
        List.of(new PageImage(jpeg, "image/jpeg")), AiFixtures.SCHEMA, model(), 700, 0.2);

    ExtractionResult result = provider(1).extract(request);

    VendorServer.Received sent = vendor.onlyRequest();
    assertThat(sent.path()).isEqualTo("/v1/messages");
    assertThat(sent.header("x-api-key")).isEqualTo(KEY);
    assertThat(sent.header("anthropic-version")).isEqualTo("2023-06-01");
    assertThat(sent.header("authorization")).isNull();
    JsonNode body = sent.json();
    assertThat(body.path("model").asText()).isEqualTo(model());
    assertThat(body.path("max_tokens").asInt()).isEqualTo(700);
    assertThat(body.path("temperature").asDouble()).isEqualTo(0.2);
    assertThat(body.path("system").asText()).isEqualTo(AiFixtures.PROMPT.instructions());
    JsonNode content = body.path("messages").path(0).path("content");
    assertThat(content.path(0).path("type").asText()).isEqualTo("image");
    assertThat(content.path(0).path("source").path("type").asText()).isEqualTo("base64");
    assertThat(content.path(0).path("source").path("media_type").asText()).isEqualTo("image/jpeg");
    assertThat(content.path(0).path("source").path("data").asText()).isEqualTo(Base64.getEncoder().encodeToString(jpeg));
    assertThat(content.path(1).path("text").asText()).isEqualTo(AiFixtures.LETTER);
    assertThat(body.path("tools")).hasSize(1);
    assertThat(body.path("tools").path(0).path("name").asText()).isEqualTo("vitals_extract");
    assertThat(body.path("tools").path(0).path("input_schema")).isEqualTo(AiFixtures.SCHEMA);
    assertThat(body.path("tool_choice")).isEqualTo(AiFixtures.json("{\"type\":\"tool\",\"name\":\"vitals_extract\"}"));
    assertThat(result.modelReturned()).isEqualTo("claude-haiku-4-5-20251001");
    // input_tokens excludes cache reads: 1,000 + 200 read from the cache.
    assertThat(result.usage()).isEqualTo(new Usage(1_200, 90, 200));
  }

  @Test
  void theRateLimitHeadersBecomeTheSignal() throws Exception {
    vendor.reply(200, answer(AiFixtures.GOOD_OUTPUT),
        "anthropic-ratelimit-requests-limit", "50",
        "anthropic-ratelimit-requests-remaining", "49",
        "anthropic-ratelimit-requests-reset", "2026-11-22T10:00:01Z",
        "anthropic-ratelimit-tokens-limit", "90000",
        "anthropic-ratelimit-tokens-remaining", "88710",
        "anthropic-ratelimit-tokens-reset", "2026-11-22T10:00:09+00:00",
        "anthropic-ratelimit-input-tokens-remaining", "1",
        "anthropic-ratelimit-output-tokens-remaining", "2");

    VendorSignal s = extract(provider(1)).signal();

    assertThat(s).isEqualTo(new VendorSignal(200, 50L, 49L, Instant.parse("2026-11-22T10:00:01Z"), 90_000L,
        88_710L, Instant.parse("2026-11-22T10:00:09Z"), null));
  }

  @Test
  void withoutTheCombinedTokenHeadersTheBindingOfInputAndOutputIsReported() throws Exception {
    vendor.reply(200, answer(AiFixtures.GOOD_OUTPUT),
        "anthropic-ratelimit-input-tokens-limit", "40000",
        "anthropic-ratelimit-input-tokens-remaining", "39000",
        "anthropic-ratelimit-input-tokens-reset", "2026-11-22T10:00:02Z",
        "anthropic-ratelimit-output-tokens-limit", "8000",
        "anthropic-ratelimit-output-tokens-remaining", "10",
        "anthropic-ratelimit-output-tokens-reset", "2026-11-22T10:00:30Z");

    VendorSignal s = extract(provider(1)).signal();

    assertThat(s.tokensLimit()).isEqualTo(8_000L);
    assertThat(s.tokensRemaining()).isEqualTo(10L);
    assertThat(s.tokensResetAt()).isEqualTo(Instant.parse("2026-11-22T10:00:30Z"));
  }

  @Test
  void a529OverloadedErrorIsRetriedAfterItsRetryAfter() throws Exception {
    vendor.reply(529, error("Overloaded"), "retry-after", "7")
        .reply(200, answer(AiFixtures.GOOD_OUTPUT));

    ExtractionResult result = extract(provider(3));

    assertThat(result.attempts()).isEqualTo(2);
    assertThat(sleeper.waits).containsExactly(Duration.ofSeconds(7));
    assertThat(listener.signals.get(0).status()).isEqualTo(529);
    assertThat(listener.signals.get(0).isThrottled()).isTrue();
  }

  @Test
  void anAnswerWithoutTheToolCallIsUnusable() {
    ObjectNode b = base("end_turn");
    b.putArray("content").addObject().put("type", "text").put("text", "Here are the vitals: ...");
    vendor.reply(200, b.toString());

    ProviderException e = failure(provider(3));

    assertThat(e.code()).isEqualTo(Code.MALFORMED_RESPONSE);
    assertThat(e.getMessage()).contains("no tool_use block");
  }

  @Test
  void aTemperatureAboveOneIsRefusedBeforeAnyCall() {
    ExtractionRequest hot = new ExtractionRequest(AiFixtures.PROMPT, AiFixtures.LETTER, List.of(),
        AiFixtures.SCHEMA, model(), 500, 1.5);

    ProviderException e = org.assertj.core.api.Assertions.catchThrowableOfType(ProviderException.class,
        () -> provider(3).extract(hot));

    assertThat(e.code()).isEqualTo(Code.BAD_REQUEST);
    assertThat(e.httpStatus()).isNull();
    assertThat(vendor.requests()).isEmpty();
  }
}
