package io.exora.ai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Google Gemini {@code models/{model}:generateContent} with JSON mode: {@code generationConfig}
 * sets {@code responseMimeType: application/json} and a {@code responseSchema} translated by
 * {@link GeminiSchema}. Page images go as {@code inlineData} parts.
 *
 * <p>Usage: {@code promptTokenCount} (which includes {@code cachedContentTokenCount}), and as
 * output {@code candidatesTokenCount + thoughtsTokenCount}: thinking tokens are billed as output.
 * Gemini sends no rate-limit headers; a 429's body may name a retry delay, which is read.
 */
public final class GeminiProvider extends HttpProvider {
  public static final String NAME = "google";
  public static final URI DEFAULT_BASE_URL = URI.create("https://generativelanguage.googleapis.com");
  /** 258 tokens per 768 x 768 tile; a letter-size scan at 200 dpi is about 3 x 3 tiles. */
  static final long TOKENS_PER_PAGE_IMAGE = 258 * 9;
  /** The model becomes a path segment: nothing that could change the path. */
  private static final Pattern MODEL = Pattern.compile("[A-Za-z0-9._-]{1,200}");

  private final URI baseUrl;
  private final String apiKey;

  /** @param baseUrl the API root, without the version ({@code GEMINI_BASE_URL}) */
  public GeminiProvider(URI baseUrl, String apiKey, VendorHttp http) {
    super(NAME, http.transport(NAME, VendorSignals::google), http.retry());
    this.baseUrl = VendorHttp.requireBaseUrl(baseUrl, "GEMINI_BASE_URL");
    this.apiKey = VendorHttp.requireKey(apiKey, "GEMINI_API_KEY");
  }

  @Override
  long tokensPerPageImage() {
    return TOKENS_PER_PAGE_IMAGE;
  }

  @Override
  URI endpoint(ExtractionRequest request) throws ProviderException {
    String model = request.model().startsWith("models/") ? request.model().substring(7) : request.model();
    if (!MODEL.matcher(model).matches()) {
      throw ProviderException.badRequest("'" + request.model() + "' is not a Gemini model name");
    }
    return resolve(baseUrl, "/v1beta/models/" + model + ":generateContent");
  }

  @Override
  Map<String, String> headers() {
    return Map.of("x-goog-api-key", apiKey);
  }

  @Override
  ObjectNode requestBody(ExtractionRequest r) throws ProviderException {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.putObject("systemInstruction").putArray("parts").addObject().put("text", r.prompt().instructions());
    ArrayNode parts = body.putArray("contents").addObject().put("role", "user").putArray("parts");
    for (PageImage page : r.pages()) {
      parts.addObject().putObject("inlineData")
          .put("mimeType", page.mediaType())
          .put("data", Base64.getEncoder().encodeToString(page.bytes()));
    }
    if (!r.text().isBlank()) {
      parts.addObject().put("text", r.text());
    }
    ObjectNode config = body.putObject("generationConfig");
    config.put("responseMimeType", "application/json");
    config.set("responseSchema", GeminiSchema.translate(r.schema()));
    config.put("maxOutputTokens", r.maxOutputTokens());
    if (r.temperature() != null) {
      config.put("temperature", r.temperature());
    }
    return body;
  }

  @Override
  Answer read(JsonNode body) throws ProviderException {
    JsonNode u = body.path("usageMetadata");
    long input = count(u, "promptTokenCount");
    Usage usage = new Usage(input, count(u, "candidatesTokenCount") + count(u, "thoughtsTokenCount"),
        Math.min(input, count(u, "cachedContentTokenCount")));
    String model = body.path("modelVersion").asText("");
    String blocked = body.path("promptFeedback").path("blockReason").asText("");
    if (!blocked.isEmpty()) {
      return Answer.unusable("Gemini blocked the prompt (blockReason " + blocked + ")", usage, model);
    }
    JsonNode candidate = body.path("candidates").path(0);
    if (!candidate.isObject()) {
      throw ProviderException.malformed("the Gemini response has no candidates[0]");
    }
    String finish = candidate.path("finishReason").asText("");
    if (finish.equals("MAX_TOKENS")) {
      return Answer.unusable("the output was cut off at max_output_tokens (finishReason MAX_TOKENS)", usage, model);
    }
    if (!finish.isEmpty() && !finish.equals("STOP")) {
      return Answer.unusable("Gemini stopped with finishReason " + finish, usage, model);
    }
    StringBuilder text = new StringBuilder();
    for (JsonNode part : candidate.path("content").path("parts")) {
      // Thought summaries are not the answer.
      if (part.path("text").isTextual() && !part.path("thought").asBoolean(false)) {
        text.append(part.path("text").asText());
      }
    }
    return new Answer(text.toString(), null, usage, model, null);
  }
}
