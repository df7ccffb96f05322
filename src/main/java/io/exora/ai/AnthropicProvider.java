package io.exora.ai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.Base64;
import java.util.Map;

/**
 * Anthropic Messages. Structured output comes through one tool whose {@code input_schema} is the
 * request's schema, forced with {@code tool_choice: {type: tool, name}}: the model must answer by
 * "calling" it, and the call's {@code input} is the answer. Page images go as base64 blocks before
 * the text, as Anthropic recommends.
 *
 * <p>Usage: {@code input_tokens} excludes cache reads and writes, so the input here is
 * {@code input_tokens + cache_read_input_tokens + cache_creation_input_tokens}, and the cached part
 * is {@code cache_read_input_tokens}. (No cache breakpoints are sent, so cache writes stay zero;
 * were they not, they would be priced as plain input, slightly under their 1.25x price.)
 */
public final class AnthropicProvider extends HttpProvider {
  public static final String NAME = "anthropic";
  public static final URI DEFAULT_BASE_URL = URI.create("https://api.anthropic.com");
  public static final String API_VERSION = "2023-06-01";
  /** About width x height / 750, for an image at the 1.15 megapixel size Anthropic scales to. */
  static final long TOKENS_PER_PAGE_IMAGE = 1_600;

  private final URI baseUrl;
  private final String apiKey;

  /** @param baseUrl the API root without {@code /v1}, as {@code ANTHROPIC_BASE_URL} is everywhere */
  public AnthropicProvider(URI baseUrl, String apiKey, VendorHttp http) {
    super(NAME, http.transport(NAME, VendorSignals::anthropic), http.retry());
    this.baseUrl = VendorHttp.requireBaseUrl(baseUrl, "ANTHROPIC_BASE_URL");
    this.apiKey = VendorHttp.requireKey(apiKey, "ANTHROPIC_API_KEY");
  }

  @Override
  long tokensPerPageImage() {
    return TOKENS_PER_PAGE_IMAGE;
  }

  @Override
  void checkRequest(ExtractionRequest request) throws ProviderException {
    if (request.temperature() != null && request.temperature() > 1) {
      throw ProviderException.badRequest("Anthropic accepts a temperature from 0 to 1, got " + request.temperature());
    }
  }

  @Override
  URI endpoint(ExtractionRequest request) {
    return resolve(baseUrl, "/v1/messages");
  }

  @Override
  Map<String, String> headers() {
    return Map.of("x-api-key", apiKey, "anthropic-version", API_VERSION);
  }

  @Override
  ObjectNode requestBody(ExtractionRequest r) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("model", r.model());
    body.put("max_tokens", r.maxOutputTokens());
    if (r.temperature() != null) {
      body.put("temperature", r.temperature());
    }
    body.put("system", r.prompt().instructions());
    ArrayNode content = body.putArray("messages").addObject().put("role", "user").putArray("content");
    for (PageImage page : r.pages()) {
      content.addObject().put("type", "image").putObject("source")
          .put("type", "base64")
          .put("media_type", page.mediaType())
          .put("data", Base64.getEncoder().encodeToString(page.bytes()));
    }
    if (!r.text().isBlank()) {
      content.addObject().put("type", "text").put("text", r.text());
    }
    ObjectNode tool = body.putArray("tools").addObject();
    tool.put("name", r.prompt().vendorName());
    tool.put("description", "Records the result of " + r.prompt().name() + " (version "
        + r.prompt().version() + "). Call it exactly once with the complete result.");
    tool.set("input_schema", r.schema());
    body.putObject("tool_choice").put("type", "tool").put("name", r.prompt().vendorName());
    return body;
  }

  @Override
  Answer read(JsonNode body) throws ProviderException {
    JsonNode u = body.path("usage");
    long cacheRead = count(u, "cache_read_input_tokens");
    Usage usage = new Usage(count(u, "input_tokens") + cacheRead + count(u, "cache_creation_input_tokens"),
        count(u, "output_tokens"), cacheRead);
    String model = body.path("model").asText("");
    if (!body.path("content").isArray()) {
      throw ProviderException.malformed("the Anthropic response has no content array");
    }
    String stop = body.path("stop_reason").asText("");
    if (stop.equals("max_tokens")) {
      return Answer.unusable("the output was cut off at max_output_tokens (stop_reason max_tokens)", usage, model);
    }
    if (stop.equals("refusal")) {
      return Answer.unusable("the model refused (stop_reason refusal)", usage, model);
    }
    for (JsonNode block : body.path("content")) {
      if (block.path("type").asText().equals("tool_use")) {
        JsonNode input = block.get("input");
        if (input == null || input.isNull()) {
          return Answer.unusable("the tool_use block has no input", usage, model);
        }
        return new Answer(null, input, usage, model, null);
      }
    }
    return Answer.unusable("the response has no tool_use block (stop_reason " + stop + ")", usage, model);
  }
}
