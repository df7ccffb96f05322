package io.exora.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

/** A small HTTP client for the v1 API in tests: JSON in, status + JSON + headers out. */
public final class ApiClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final String base;

  public record Response(int status, JsonNode body, HttpResponse<String> raw) {
    public String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }

    public String errorCode() {
      return body.path("error").path("code").asText(null);
    }
  }

  public ApiClient(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  public Response get(String path, String token) {
    return send(builder(path, token).GET());
  }

  public Response delete(String path, String token) {
    return send(builder(path, token).DELETE());
  }

  public Response post(String path, String token, Object body) {
    return send(builder(path, token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json(body))));
  }

  public Response patch(String path, String token, Object body) {
    return send(builder(path, token).header("Content-Type", "application/json")
        .method("PATCH", HttpRequest.BodyPublishers.ofString(json(body))));
  }

  /** For responses that are not JSON. */
  public HttpClient http() {
    return http;
  }

  public Response send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode body = r.body() == null || r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body());
      return new Response(r.statusCode(), body, r);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public HttpRequest.Builder builder(String path, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  /**
   * POST /v1/shell-files as the API expects it: multipart with {@code patient_id} first, then the
   * file; {@code bearer} and {@code idempotencyKey} may be null (left out).
   */
  public HttpRequest.Builder uploadRequest(String bearer, UUID patient, String name, byte[] content,
      String idempotencyKey) {
    ByteArrayOutputStream body = new ByteArrayOutputStream(content.length + 512);
    body.writeBytes(("--b0undary\r\nContent-Disposition: form-data; name=\"patient_id\"\r\n\r\n" + patient
        + "\r\n--b0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name
        + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
    body.writeBytes(content);
    body.writeBytes("\r\n--b0undary--\r\n".getBytes(StandardCharsets.UTF_8));
    HttpRequest.Builder b = builder("/v1/shell-files", bearer)
        .header("Content-Type", "multipart/form-data; boundary=b0undary")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
    if (idempotencyKey != null) {
      b.header("Idempotency-Key", idempotencyKey);
    }
    return b;
  }

  /** Signs up and returns {user_id, profile_id, access_token}. */
  public JsonNode signup(String email, String password, String displayName) {
    Response r = post("/v1/auth/signup", null,
        Map.of("email", email, "password", password, "display_name", displayName));
    if (r.status() != 201) {
      throw new AssertionError("signup failed: " + r.status() + " " + r.body());
    }
    return r.body();
  }

  static String json(Object body) {
    try {
      return body instanceof String s ? s : JSON.writeValueAsString(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
