package io.exora.ai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.exora.ai.ProviderException.Code;
import io.exora.ratelimit.VendorSignal;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Google Cloud Vision {@code images:annotate} with {@code DOCUMENT_TEXT_DETECTION}, the dense-text
 * (document) OCR model.
 *
 * <p>Vision takes at most {@value #MAX_IMAGES_PER_CALL} images and a 10 MB JSON body per call, so
 * pages go in batches of at most 16 images and {@value #MAX_BATCH_BYTES} bytes (base64 adds a
 * third); each batch is one call under the retry policy. A page's confidence is the mean of the
 * confidences Vision gives the pages of its annotation.
 */
public final class GoogleVisionOcr implements OcrProvider {
  public static final String NAME = "google-vision";
  public static final URI DEFAULT_BASE_URL = URI.create("https://vision.googleapis.com");
  /**
   * How the shared limiter knows Vision calls: provider "google", endpoint "vision-api", as the
   * original's api_rate_limits row names it.
   */
  static final String LIMIT_PROVIDER = "google";
  static final String LIMIT_ENDPOINT = "vision-api";
  static final int MAX_IMAGES_PER_CALL = 16;
  static final int MAX_BATCH_BYTES = 7 * 1024 * 1024;

  private final URI endpoint;
  private final String apiKey;
  private final HttpTransport transport;
  private final RetryPolicy retry;

  /** @param baseUrl the API root without the version ({@code GOOGLE_VISION_BASE_URL}) */
  public GoogleVisionOcr(URI baseUrl, String apiKey, VendorHttp http) {
    this.endpoint = HttpProvider.resolve(VendorHttp.requireBaseUrl(baseUrl, "GOOGLE_VISION_BASE_URL"),
        "/v1/images:annotate");
    this.apiKey = VendorHttp.requireKey(apiKey, "GOOGLE_API_KEY");
    this.transport = http.transport(LIMIT_PROVIDER, VendorSignals::google);
    this.retry = http.retry();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public OcrResult recognize(List<PageImage> pages) throws ProviderException {
    if (pages.isEmpty()) {
      throw ProviderException.badRequest("no page images to read");
    }
    long started = System.nanoTime();
    List<OcrPage> out = new ArrayList<>(pages.size());
    int attempts = 0;
    VendorSignal last = null;
    for (List<PageImage> batch : batches(pages)) {
      byte[] body = Json.bytes(requestBody(batch));
      RetryPolicy.Attempted<Batch> done = retry.run(n -> {
        HttpTransport.Reply reply = transport.post(endpoint, Map.of("x-goog-api-key", apiKey), body, LIMIT_ENDPOINT);
        try {
          return new Batch(read(Json.parse(reply.text(), "the Google Vision response body"), batch.size()), reply.signal());
        } catch (ProviderException e) {
          throw e.from(reply.status(), reply.signal(), null);
        }
      });
      attempts += done.attempts();
      last = done.value().signal();
      out.addAll(done.value().pages());
    }
    return new OcrResult(out, Duration.ofNanos(System.nanoTime() - started), attempts, last);
  }

  private record Batch(List<OcrPage> pages, VendorSignal signal) {}

  private static List<List<PageImage>> batches(List<PageImage> pages) throws ProviderException {
    List<List<PageImage>> batches = new ArrayList<>();
    List<PageImage> current = new ArrayList<>();
    long bytes = 0;
    for (PageImage p : pages) {
      if (p.bytes().length > MAX_BATCH_BYTES) {
        throw ProviderException.badRequest("a page image of " + p.bytes().length
            + " bytes exceeds Google Vision's request limit (" + MAX_BATCH_BYTES + " bytes per call)");
      }
      if (current.size() == MAX_IMAGES_PER_CALL || bytes + p.bytes().length > MAX_BATCH_BYTES) {
        batches.add(current);
        current = new ArrayList<>();
        bytes = 0;
      }
      current.add(p);
      bytes += p.bytes().length;
    }
    batches.add(current);
    return batches;
  }

  private static ObjectNode requestBody(List<PageImage> batch) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    ArrayNode requests = body.putArray("requests");
    for (PageImage p : batch) {
      ObjectNode r = requests.addObject();
      r.putObject("image").put("content", Base64.getEncoder().encodeToString(p.bytes()));
      r.putArray("features").addObject().put("type", "DOCUMENT_TEXT_DETECTION");
    }
    return body;
  }

  /**
   * One response per image, in order. A per-image {@code error} (a google.rpc.Status) fails the
   * call with the code its status maps to, so a transient one is retried.
   */
  private static List<OcrPage> read(JsonNode body, int expected) throws ProviderException {
    JsonNode responses = body.path("responses");
    if (!responses.isArray() || responses.size() != expected) {
      throw ProviderException.malformed("Google Vision answered " + (responses.isArray() ? responses.size() : 0)
          + " responses for " + expected + " images");
    }
    List<OcrPage> pages = new ArrayList<>(expected);
    for (int i = 0; i < expected; i++) {
      JsonNode r = responses.get(i);
      JsonNode error = r.path("error");
      if (error.isObject() && error.path("code").asInt(0) != 0) {
        throw new ProviderException(codeFor(error.path("code").asInt()), "Google Vision could not read image "
            + (i + 1) + ": " + error.path("message").asText(""), null, null, null, null);
      }
      JsonNode annotation = r.path("fullTextAnnotation");
      String text = annotation.path("text").asText("");
      double sum = 0;
      int n = 0;
      for (JsonNode page : annotation.path("pages")) {
        if (page.path("confidence").isNumber()) {
          sum += page.path("confidence").asDouble();
          n++;
        }
      }
      pages.add(new OcrPage(text, n == 0 || text.isEmpty() ? null : Math.min(1, Math.max(0, sum / n))));
    }
    return pages;
  }

  /** google.rpc.Code to ours: 8 and 14 (exhausted, unavailable) and 4 (deadline) are transient. */
  static Code codeFor(int rpcCode) {
    return switch (rpcCode) {
      case 8 -> Code.RATE_LIMITED;
      case 14, 13, 2 -> Code.SERVER_ERROR;
      case 4 -> Code.TIMEOUT;
      case 7, 16 -> Code.UNAUTHORIZED;
      default -> Code.BAD_REQUEST;
    };
  }
}
