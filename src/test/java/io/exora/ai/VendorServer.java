package io.exora.ai;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A vendor on loopback: an HTTP server (127.0.0.1, an ephemeral port) that answers each request
 * with the next scripted response and records what it received. A response can stall in the
 * middle of its body until the server closes, to exercise the client's deadline.
 */
final class VendorServer implements AutoCloseable {

  /** A request as the vendor saw it. */
  record Received(String method, String path, Headers headers, String body) {
    JsonNode json() {
      try {
        return Json.MAPPER.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("the client sent a body that is not JSON: " + body, e);
      }
    }

    String header(String name) {
      return headers.getFirst(name);
    }
  }

  private record Scripted(int status, String[] headers, byte[] body, int stallAfterBytes) {}

  private final HttpServer server;
  private final ExecutorService executor;
  private final Deque<Scripted> script = new ArrayDeque<>();
  private final List<Received> received = new ArrayList<>();
  private final CountDownLatch closing = new CountDownLatch(1);

  private VendorServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "vendor-server");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  static VendorServer start() {
    try {
      return new VendorServer();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the loopback vendor", e);
    }
  }

  /** http://127.0.0.1:port, without a trailing slash. */
  URI baseUrl() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Answers the next request; {@code headers} are name, value pairs. */
  synchronized VendorServer reply(int status, String body, String... headers) {
    script.add(new Scripted(status, headers, body.getBytes(StandardCharsets.UTF_8), -1));
    return this;
  }

  /** Answers the next request with the status, headers and the first bytes of {@code body}, then stalls. */
  synchronized VendorServer stallMidBody(int status, String body, int bytesBeforeStall, String... headers) {
    script.add(new Scripted(status, headers, body.getBytes(StandardCharsets.UTF_8), bytesBeforeStall));
    return this;
  }

  synchronized List<Received> requests() {
    return List.copyOf(received);
  }

  synchronized Received onlyRequest() {
    if (received.size() != 1) {
      throw new AssertionError("expected exactly one request, got " + received.size());
    }
    return received.get(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    Scripted next;
    synchronized (this) {
      received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
          exchange.getRequestHeaders(), new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
      next = script.poll();
    }
    try (exchange) {
      if (next == null) {
        next = new Scripted(500, new String[0],
            "{\"error\":{\"message\":\"the test scripted no response for this request\"}}".getBytes(StandardCharsets.UTF_8), -1);
      }
      exchange.getResponseHeaders().set("content-type", "application/json");
      for (int i = 0; i + 1 < next.headers().length; i += 2) {
        exchange.getResponseHeaders().add(next.headers()[i], next.headers()[i + 1]);
      }
      if (next.stallAfterBytes() >= 0) {
        exchange.sendResponseHeaders(next.status(), 0);
        OutputStream out = exchange.getResponseBody();
        out.write(next.body(), 0, Math.min(next.stallAfterBytes(), next.body().length));
        out.flush();
        closing.await(30, TimeUnit.SECONDS);
        return;
      }
      exchange.sendResponseHeaders(next.status(), next.body().length == 0 ? -1 : next.body().length);
      exchange.getResponseBody().write(next.body());
    } catch (IOException | InterruptedException e) {
      // the client went away (a cancelled, timed-out call): nothing to answer
    }
  }

  @Override
  public void close() {
    closing.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
