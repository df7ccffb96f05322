package io.exora.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Executors;

/**
 * An AI vendor on loopback that enforces its limits the way vendors do: requests and tokens per
 * minute over a sliding 60 s window of the calls it accepted (counted at arrival, with the tokens
 * the call really uses: input plus the output it will write), and calls in flight. Over a limit it
 * answers 429 with {@code retry-after}/{@code retry-after-ms} (when the window frees enough) and
 * OpenAI's {@code x-ratelimit-*} headers. An accepted call takes 200 ms plus 0.5 ms per output
 * token, then answers {@code {"total_tokens": n}}.
 *
 * <p>The output a call writes is 30-100% of its max_output_tokens, derived from its job id, so
 * both schemes meet the same calls.
 */
final class SimulatedVendor implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long WINDOW_NANOS = 60_000_000_000L;

  record Accepted(long atNanos, long tokens) {}

  private final int rpm;
  private final long tpm;
  private final int concurrency;
  private final HttpServer server;
  private final Deque<Accepted> window = new ArrayDeque<>();
  private final List<Accepted> accepted = new ArrayList<>();
  private final Map<String, Integer> rejected = new TreeMap<>();
  private long windowTokens;
  private int inFlight;
  private int maxInFlight;

  SimulatedVendor(int rpm, long tpm, int concurrency) throws IOException {
    this.rpm = rpm;
    this.tpm = tpm;
    this.concurrency = concurrency;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/v1/call", this::call);
    // not counted: lets a worker load and warm its HTTP client before the load starts
    server.createContext("/v1/ping", ex -> respond(ex, 200, "{}"));
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  synchronized void reset() {
    window.clear();
    accepted.clear();
    rejected.clear();
    windowTokens = 0;
    maxInFlight = inFlight;
  }

  synchronized List<Accepted> accepted() {
    return List.copyOf(accepted);
  }

  synchronized Map<String, Integer> rejected() {
    return Map.copyOf(rejected);
  }

  synchronized int maxInFlight() {
    return maxInFlight;
  }

  private void call(HttpExchange ex) throws IOException {
    JsonNode body = JSON.readTree(ex.getRequestBody());
    long input = body.get("input_tokens").asLong();
    long maxOutput = body.get("max_output_tokens").asLong();
    double share = 0.3 + 0.7 * ((UUID.fromString(body.get("job").asText()).hashCode() & 0xffff) / 65535.0);
    long output = Math.round(maxOutput * share);
    long total = input + output;
    String refusal;
    long retryNanos = 0;
    long remainingRequests;
    long remainingTokens;
    synchronized (this) {
      long now = System.nanoTime();
      while (!window.isEmpty() && window.peekFirst().atNanos() <= now - WINDOW_NANOS) {
        windowTokens -= window.pollFirst().tokens();
      }
      if (inFlight >= concurrency) {
        refusal = "concurrency";
        retryNanos = 1_000_000_000L;
      } else if (window.size() + 1 > rpm) {
        refusal = "requests_per_minute";
        retryNanos = window.peekFirst().atNanos() + WINDOW_NANOS - now;
      } else if (windowTokens + total > tpm) {
        refusal = "tokens_per_minute";
        long toFree = windowTokens + total - tpm;
        for (Accepted a : window) {
          toFree -= a.tokens();
          if (toFree <= 0) {
            retryNanos = a.atNanos() + WINDOW_NANOS - now;
            break;
          }
        }
      } else {
        refusal = null;
        Accepted a = new Accepted(now, total);
        window.addLast(a);
        accepted.add(a);
        windowTokens += total;
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
      }
      if (refusal != null) {
        rejected.merge(refusal, 1, Integer::sum);
      }
      remainingRequests = Math.max(0, rpm - window.size());
      remainingTokens = Math.max(0, tpm - windowTokens);
    }
    var h = ex.getResponseHeaders();
    h.add("content-type", "application/json");
    h.add("x-ratelimit-limit-requests", String.valueOf(rpm));
    h.add("x-ratelimit-remaining-requests", String.valueOf(remainingRequests));
    h.add("x-ratelimit-limit-tokens", String.valueOf(tpm));
    h.add("x-ratelimit-remaining-tokens", String.valueOf(remainingTokens));
    if (refusal != null) {
      long ms = Math.max(1, retryNanos / 1_000_000);
      h.add("retry-after-ms", String.valueOf(ms));
      h.add("retry-after", String.valueOf((ms + 999) / 1000));
      respond(ex, 429, "{\"error\":{\"type\":\"rate_limit_exceeded\",\"limit\":\"" + refusal + "\"}}");
      return;
    }
    try {
      Thread.sleep(200 + output / 2);
      respond(ex, 200, "{\"total_tokens\":" + total + "}");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      synchronized (this) {
        inFlight--;
      }
    }
  }

  private static void respond(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
