package io.exora.ai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What every HTTP adapter does the same way: check the request against the vendor's own limits,
 * send it under the retry policy, read the answer, parse it, validate it against the schema, and
 * report usage. A subclass only speaks its vendor's wire format.
 */
abstract class HttpProvider implements AiProvider {
  /** Input tokens per character, as the vendors estimate them at admission (about 4 chars a token). */
  private static final double CHARS_PER_TOKEN = 4.0;

  /**
   * What a vendor's 2xx body held: the answer as JSON text (OpenAI, Gemini) or as a JSON tree
   * (Anthropic's tool input), the usage, the model, and why the answer is unusable, if it is
   * (cut off at the token limit, refused, blocked).
   */
  record Answer(String text, JsonNode json, Usage usage, String model, String problem) {
    static Answer unusable(String why, Usage usage, String model) {
      return new Answer(null, null, usage, model, why);
    }
  }

  private final String name;
  final HttpTransport transport;
  private final RetryPolicy retry;

  HttpProvider(String name, HttpTransport transport, RetryPolicy retry) {
    this.name = Objects.requireNonNull(name);
    this.transport = Objects.requireNonNull(transport);
    this.retry = Objects.requireNonNull(retry);
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public long estimateTokens(ExtractionRequest request) {
    long chars = (long) request.prompt().instructions().length() + request.text().length()
        + Json.bytes(request.schema()).length;
    return (long) Math.ceil(chars / CHARS_PER_TOKEN)
        + (long) request.pages().size() * tokensPerPageImage()
        + request.maxOutputTokens();
  }

  @Override
  public final ExtractionResult extract(ExtractionRequest request) throws ProviderException {
    checkRequest(request);
    URI uri = endpoint(request);
    Map<String, String> headers = headers();
    byte[] body = Json.bytes(requestBody(request));
    long started = System.nanoTime();
    RetryPolicy.Attempted<Validated> done = retry.run(attempt ->
        validated(request, transport.post(uri, headers, body, request.model())));
    Validated v = done.value();
    // A response that does not name the model that answered (Gemini's modelVersion is optional)
    // is taken to come from the one asked for.
    String model = v.answer().model().isEmpty() ? request.model() : v.answer().model();
    return new ExtractionResult(name, v.output(), v.answer().usage(), model,
        Duration.ofNanos(System.nanoTime() - started), done.attempts(), v.reply().signal());
  }

  private record Validated(JsonNode output, Answer answer, HttpTransport.Reply reply) {}

  /**
   * Reads, parses and validates a 2xx reply. Every failure carries the reply's status and signal,
   * and once the body is read, the tokens it reports: an answer that is thrown away is billed all
   * the same.
   */
  private Validated validated(ExtractionRequest request, HttpTransport.Reply reply) throws ProviderException {
    Answer answer;
    try {
      answer = read(Json.parse(reply.text(), "the " + name + " response body"));
    } catch (ProviderException e) {
      throw e.from(reply.status(), reply.signal(), null);
    }
    try {
      if (answer.problem() != null) {
        throw ProviderException.malformed(answer.problem());
      }
      JsonNode output = answer.json() != null ? answer.json() : Json.parse(answer.text(), "the model's output");
      List<JsonSchema.Violation> violations = JsonSchema.validate(request.schema(), output);
      if (!violations.isEmpty()) {
        throw ProviderException.schemaViolation("the model's", violations, null);
      }
      return new Validated(output, answer, reply);
    } catch (ProviderException e) {
      throw e.from(reply.status(), reply.signal(), answer.usage());
    }
  }

  /** Refuses, before any network call, what this vendor would refuse (bad_request). */
  void checkRequest(ExtractionRequest request) throws ProviderException {}

  /** Tokens a page image costs this vendor at most, for the estimate (reconciled after the call). */
  abstract long tokensPerPageImage();

  abstract URI endpoint(ExtractionRequest request) throws ProviderException;

  /** Authentication and version headers. */
  abstract Map<String, String> headers();

  abstract ObjectNode requestBody(ExtractionRequest request) throws ProviderException;

  /** Reads a 2xx body; a body that lacks the expected parts throws malformed_response. */
  abstract Answer read(JsonNode body) throws ProviderException;

  /** Joins a base URL and a path without doubling or losing the slash. */
  static URI resolve(URI base, String path) {
    String b = base.toString();
    return URI.create((b.endsWith("/") ? b.substring(0, b.length() - 1) : b) + path);
  }

  /** A required number in a usage object; absent counts as zero, as the vendors document. */
  static long count(JsonNode usage, String field) {
    JsonNode n = usage.path(field);
    return n.canConvertToLong() ? Math.max(0, n.asLong()) : 0;
  }
}
