package io.exora.ai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;

/**
 * One structured extraction: read a document's text and/or page images and answer with JSON that
 * conforms to {@code schema}.
 *
 * <p>The limits are the strictest of the vendors', so that a request valid here is valid for every
 * adapter: at most {@value #MAX_PAGES} page images (Anthropic) of at most {@value #MAX_PAGE_BYTES}
 * bytes together (Gemini's 20 MB inline request, after base64). Longer documents are split by the
 * caller.
 *
 * @param prompt the instructions, with the name and version recorded for the call
 * @param text the document's text; may be empty when pages are given
 * @param pages page images, in reading order; may be empty when text is given
 * @param schema the JSON schema of the answer: an object schema in the subset {@link JsonSchema}
 *     supports
 * @param model the model to ask ("gpt-4o-mini", "claude-haiku-4-5", "gemini-2.5-flash")
 * @param maxOutputTokens the vendor's cap on the answer's length
 * @param temperature the sampling temperature, or null for the vendor's default
 */
public record ExtractionRequest(
    Prompt prompt,
    String text,
    List<PageImage> pages,
    JsonNode schema,
    String model,
    int maxOutputTokens,
    Double temperature) {

  public static final int MAX_PAGES = 100;
  public static final int MAX_PAGE_BYTES = 15 * 1024 * 1024;
  public static final int MAX_TEXT_CHARS = 1_000_000;
  public static final int MAX_OUTPUT_TOKENS = 128_000;

  public ExtractionRequest {
    Objects.requireNonNull(prompt, "prompt");
    text = text == null ? "" : text;
    pages = pages == null ? List.of() : List.copyOf(pages);
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(model, "model");
    if (text.isBlank() && pages.isEmpty()) {
      throw new IllegalArgumentException("an extraction needs text or page images");
    }
    if (text.length() > MAX_TEXT_CHARS) {
      throw new IllegalArgumentException("text is " + text.length() + " characters; the limit is "
          + MAX_TEXT_CHARS + " (split the document)");
    }
    if (pages.size() > MAX_PAGES) {
      throw new IllegalArgumentException(pages.size() + " page images; the limit is " + MAX_PAGES
          + " per request (split the document)");
    }
    long pageBytes = pages.stream().mapToLong(p -> p.bytes().length).sum();
    if (pageBytes > MAX_PAGE_BYTES) {
      throw new IllegalArgumentException("page images are " + pageBytes + " bytes together; the limit is "
          + MAX_PAGE_BYTES + " per request (split the document)");
    }
    if (model.isBlank() || model.length() > 200) {
      throw new IllegalArgumentException("model must be 1 to 200 characters");
    }
    if (maxOutputTokens < 1 || maxOutputTokens > MAX_OUTPUT_TOKENS) {
      throw new IllegalArgumentException("maxOutputTokens must be between 1 and " + MAX_OUTPUT_TOKENS);
    }
    if (temperature != null && !(temperature >= 0 && temperature <= 2)) {
      throw new IllegalArgumentException("temperature must be between 0 and 2, got " + temperature);
    }
    JsonSchema.requireObjectSchema(schema);
  }

  /** A text-only request with the vendor's default temperature. */
  public static ExtractionRequest ofText(Prompt prompt, String text, JsonNode schema, String model,
      int maxOutputTokens) {
    return new ExtractionRequest(prompt, text, List.of(), schema, model, maxOutputTokens, null);
  }

  public ExtractionRequest withModel(String otherModel) {
    return new ExtractionRequest(prompt, text, pages, schema, otherModel, maxOutputTokens, temperature);
  }

  /** What {@code ai_generations.parameters} records about the call besides the prompt and model. */
  public ObjectNode parameters() {
    ObjectNode p = JsonNodeFactory.instance.objectNode();
    p.put("max_output_tokens", maxOutputTokens);
    if (temperature != null) {
      p.put("temperature", temperature);
    }
    p.put("text_chars", text.length());
    p.put("pages", pages.size());
    p.put("schema_sha256", Json.sha256(schema));
    return p;
  }

  @Override
  public String toString() {
    // Never the document itself: it is health data and toString ends up in logs.
    return "ExtractionRequest[prompt=" + prompt.name() + "@" + prompt.version() + ", model=" + model
        + ", text=" + text.length() + " chars, pages=" + pages.size() + ", maxOutputTokens="
        + maxOutputTokens + ", temperature=" + temperature + "]";
  }
}
