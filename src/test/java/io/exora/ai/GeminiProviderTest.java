package io.exora.ai;

import static io.exora.ai.AiFixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.exora.ai.ProviderException.Code;
import java.net.URI;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Gemini generateContent in JSON mode with a translated responseSchema, against a loopback vendor. */
class GeminiProviderTest extends ProviderContractTest {
  static final String KEY = "AIza-test-gemini-key";

  @Override
  AiProvider create(URI baseUrl, VendorHttp http) {
    return new GeminiProvider(baseUrl, KEY, http);
  }

  @Override
  String model() {
    return "gemini-2.5-flash";
  }

  @Override
  String answer(String output) {
    return body(output, "STOP");
  }

  @Override
  String cutOffAnswer() {
    return body("{\"document_date\":\"2026-11-02\",\"vitals\":[{\"kind\":", "MAX_TOKENS");
  }

  private static String body(String text, String finishReason) {
    ObjectNode b = JsonNodeFactory.instance.objectNode();
    ObjectNode candidate = b.putArray("candidates").addObject();
    ObjectNode content = candidate.putObject("content").put("role", "model");
    // Gemini may split the text over parts, and put a thought summary first.
    content.putArray("parts")
        .add(JsonNodeFactory.instance.objectNode().put("text", "Thinking about vitals").put("thought", true))
        .add(JsonNodeFactory.instance.objectNode().put("text", text.substring(0, text.length() / 2)))
        .add(JsonNodeFactory.instance.objectNode().put("text", text.substring(text.length() / 2)));
    candidate.put("finishReason", finishReason).put("index", 0);
    b.putObject("usageMetadata").put("promptTokenCount", 1_200).put("candidatesTokenCount", 60)
        .put("thoughtsTokenCount", 30).put("cachedContentTokenCount", 200).put("totalTokenCount", 1_290);
    b.put("modelVersion", "gemini-2.5-flash").put("responseId", "abc");
    return b.toString();
  }

  @Override
  String error(String message) {
    return "{\"error\":{\"code\":400,\"message\":\"" + message + "\",\"status\":\"INVALID_ARGUMENT\"}}";
  }

  @Test
  void theRequestIsJsonModeWithTheTranslatedSchema() throws Exception {
    vendor.reply(200, answer(AiFixtures.GOOD_OUTPUT));
    byte[] webp = {'R', 'I', 'F', 'F', 9};
    ExtractionRequest request = new ExtractionRequest(AiFixtures.PROMPT, AiFixtures.LETTER,
        List.of(new PageImage(webp, "image/webp")), AiFixtures.SCHEMA, model(), 900, 0.1);

    ExtractionResult result = provider(1).extract(request);

    VendorServer.Received sent = vendor.onlyRequest();
    assertThat(sent.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
    assertThat(sent.header("x-goog-api-key")).isEqualTo(KEY);
    JsonNode body = sent.json();
    assertThat(body.path("systemInstruction").path("parts").path(0).path("text").asText())
        .isEqualTo(AiFixtures.PROMPT.instructions());
    JsonNode parts = body.path("contents").path(0).path("parts");
    assertThat(parts.path(0).path("inlineData").path("mimeType").asText()).isEqualTo("image/webp");
    assertThat(parts.path(0).path("inlineData").path("data").asText()).isEqualTo(Base64.getEncoder().encodeToString(webp));
    assertThat(parts.path(1).path("text").asText()).isEqualTo(AiFixtures.LETTER);
    JsonNode config = body.path("generationConfig");
    assertThat(config.path("responseMimeType").asText()).isEqualTo("application/json");
    assertThat(config.path("maxOutputTokens").asInt()).isEqualTo(900);
    assertThat(config.path("temperature").asDouble()).isEqualTo(0.1);
    JsonNode schema = config.path("responseSchema");
    assertThat(schema.path("type").asText()).isEqualTo("OBJECT");
    assertThat(schema.has("additionalProperties")).isFalse();
    assertThat(schema.path("properties").path("document_date").path("type").asText()).isEqualTo("STRING");
    assertThat(schema.path("properties").path("document_date").path("nullable").asBoolean()).isTrue();
    assertThat(schema.path("propertyOrdering")).isEqualTo(AiFixtures.json("[\"document_date\", \"vitals\"]"));
    // Thought summaries are not the answer; thinking tokens are billed as output.
    assertThat(result.output()).isEqualTo(AiFixtures.json(AiFixtures.GOOD_OUTPUT));
    assertThat(result.usage()).isEqualTo(new Usage(1_200, 90, 200));
    assertThat(result.modelReturned()).isEqualTo("gemini-2.5-flash");
  }

  @Test
  void a429WithoutRetryAfterWaitsForTheRetryInfoInItsBody() throws Exception {
    vendor.reply(429, """
            {"error": {"code": 429, "message": "Resource has been exhausted", "status": "RESOURCE_EXHAUSTED",
              "details": [{"@type": "type.googleapis.com/google.rpc.QuotaFailure"},
                          {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "13s"}]}}""")
        .reply(200, answer(AiFixtures.GOOD_OUTPUT));

    ExtractionResult result = extract(provider(2));

    assertThat(result.attempts()).isEqualTo(2);
    assertThat(sleeper.waits).containsExactly(Duration.ofSeconds(13));
    assertThat(listener.signals.get(0).retryAt()).isEqualTo(NOW.plusSeconds(13));
  }

  @Test
  void aModelNameThatWouldChangeThePathIsRefusedBeforeAnyCall() {
    ProviderException e = catchThrowableOfType(ProviderException.class,
        () -> provider(1).extract(AiFixtures.request("../../admin")));

    assertThat(e.code()).isEqualTo(Code.BAD_REQUEST);
    assertThat(vendor.requests()).isEmpty();
  }

  @Test
  void aBlockedPromptIsUnusable() {
    vendor.reply(200, """
        {"promptFeedback": {"blockReason": "SAFETY"},
         "usageMetadata": {"promptTokenCount": 1200, "totalTokenCount": 1200}, "modelVersion": "gemini-2.5-flash"}""");

    ProviderException e = failure(provider(3));

    assertThat(e.code()).isEqualTo(Code.MALFORMED_RESPONSE);
    assertThat(e.getMessage()).contains("blockReason SAFETY");
    assertThat(e.usage()).isEqualTo(new Usage(1_200, 0, 0));
  }

  @Test
  void aSchemaGeminiCannotExpressIsRefusedBeforeAnyCall() {
    JsonNode mixed = AiFixtures.json("""
        {"type": "object", "properties": {"value": {"type": ["string", "number"]}}}""");

    ProviderException e = catchThrowableOfType(ProviderException.class, () -> provider(1).extract(
        ExtractionRequest.ofText(AiFixtures.PROMPT, AiFixtures.LETTER, mixed, model(), 100)));

    assertThat(e.code()).isEqualTo(Code.BAD_REQUEST);
    assertThat(e.getMessage()).contains("/properties/value");
    assertThat(vendor.requests()).isEmpty();
  }
}
