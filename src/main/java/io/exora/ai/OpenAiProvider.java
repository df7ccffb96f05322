package io.exora.ai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.Base64;
import java.util.Map;

/**
 * OpenAI Chat Completions with structured outputs: {@code response_format} of type
 * {@code json_schema} with {@code strict: true}, so the model is constrained to the schema (which
 * strict mode requires to list every property in {@code required} and to close every object with
 * {@code additionalProperties: false}; OpenAI answers 400 otherwise). Page images go as data URLs.
 *
 * <p>Usage: {@code prompt_tokens} (which include {@code prompt_tokens_details.cached_tokens}) and
 * {@code completion_tokens} (which include reasoning tokens).
 */
public final class OpenAiProvider extends HttpProvider {
  public static final String NAME = "openai";
  public static final URI DEFAULT_BASE_URL = URI.create("https://api.openai.com/v1");
  /**
   * A page at high detail: OpenAI scales it to fit 2048 x 2048, then its short side to 768, and
   * counts 85 + 170 per 512 px tile; a portrait page gives at most 2 x 4 tiles.
   */
  static final long TOKENS_PER_PAGE_IMAGE = 85 + 170 * 8;

  private final URI baseUrl;
  private final String apiKey;

  /**
   * @param baseUrl the API root including {@code /v1}, as {@code OPENAI_BASE_URL} is everywhere
   */
  public OpenAiProvider(URI baseUrl, String apiKey, VendorHttp http) {
    super(NAME, http.transport(NAME, VendorSignals::openAi), http.retry());
    this.baseUrl = VendorHttp.requireBaseUrl(baseUrl, "OPENAI_BASE_URL");
    this.apiKey = VendorHttp.requireKey(apiKey, "OPENAI_API_KEY");
  }

  @Override
  long tokensPerPageImage() {
    return TOKENS_PER_PAGE_IMAGE;
  }

  @Override
  URI endpoint(ExtractionRequest request) {
    return resolve(baseUrl, "/chat/completions");
  }

  @Override
  Map<String, String> headers() {
    return Map.of("authorization", "Bearer " + apiKey);
  }

  @Override
  ObjectNode requestBody(ExtractionRequest r) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode body = f.objectNode();
    body.put("model", r.model());
    ArrayNode messages = body.putArray("messages");
    messages.addObject().put("role", "system").put("content", r.prompt().instructions());
    ArrayNode content = messages.addObject().put("role", "user").putArray("content");
    if (!r.text().isBlank()) {
      content.addObject().put("type", "text").put("text", r.text());
    }
    for (PageImage page : r.pages()) {
      content.addObject().put("type", "image_url").putObject("image_url")
          .put("url", "data:" + page.mediaType() + ";base64," + Base64.getEncoder().encodeToString(page.bytes()))
          .put("detail", "high");
    }
    body.put("max_completion_tokens", r.maxOutputTokens());
    if (r.temperature() != null) {
      body.put("temperature", r.temperature());
    }
    ObjectNode format = body.putObject("response_format").put("type", "json_schema");
    format.putObject("json_schema")
        .put("name", r.prompt().vendorName())
        .put("strict", true)
        .set("schema", r.schema());
    return body;
  }

  @Override
  Answer read(JsonNode body) throws ProviderException {
    JsonNode usageNode = body.path("usage");
    long input = count(usageNode, "prompt_tokens");
    Usage usage = new Usage(input, count(usageNode, "completion_tokens"),
        Math.min(input, count(usageNode.path("prompt_tokens_details"), "cached_tokens")));
    String model = body.path("model").asText("");
    JsonNode choice = body.path("choices").path(0);
    JsonNode message = choice.path("message");
    if (!message.isObject()) {
      throw ProviderException.malformed("the OpenAI response has no choices[0].message");
    }
    if (message.path("refusal").isTextual()) {
      return Answer.unusable("the model refused: " + message.path("refusal").asText(), usage, model);
    }
    String finish = choice.path("finish_reason").asText("");
    if (finish.equals("length")) {
      return Answer.unusable("the output was cut off at max_output_tokens (finish_reason length)", usage, model);
    }
    if (finish.equals("content_filter")) {
      return Answer.unusable("the output was withheld by OpenAI's content filter", usage, model);
    }
    if (!message.path("content").isTextual()) {
      return Answer.unusable("choices[0].message.content is not text", usage, model);
    }
    return new Answer(message.path("content").asText(), null, usage, model, null);
  }
}
