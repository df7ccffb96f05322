package io.exora.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/** A small client of Exora's HTTP API, as any other client would use it (the demo uses it). */
final class ExoraClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;

  /** A response: status and JSON body (null when there is none). */
  record Reply(int status, JsonNode body, HttpResponse<String> raw) {
    JsonNode ok() {
      if (status / 100 != 2) {
        throw new IllegalStateException("HTTP " + status + ": " + raw.body());
      }
      return body;
    }
  }

  ExoraClient(String base) {
    this.base = base;
  }

  String base() {
    return base;
  }

  Reply postJson(String path, String token, Map<String, Object> body) throws IOException, InterruptedException {
    return send(request(path, token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
  }

  Reply get(String path, String token) throws IOException, InterruptedException {
    return send(request(path, token).GET());
  }

  /** {@code POST /v1/shell-files}: patient_id first, then the file, as the API asks. */
  Reply upload(String token, UUID patientId, String filename, byte[] content, String idempotencyKey)
      throws IOException, InterruptedException {
    String boundary = "exora-" + UUID.randomUUID();
    ByteArrayOutputStream body = new ByteArrayOutputStream(content.length + 512);
    body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"patient_id\"\r\n\r\n"
        + patientId + "\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
        + filename.replace("\"", "") + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
        .getBytes(StandardCharsets.UTF_8));
    body.writeBytes(content);
    body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    HttpRequest.Builder b = request("/v1/shell-files", token)
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
    if (idempotencyKey != null) {
      b.header("Idempotency-Key", idempotencyKey);
    }
    return send(b);
  }

  private HttpRequest.Builder request(String path, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  private Reply send(HttpRequest.Builder request) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode body = r.body() == null || r.body().isBlank() ? null : JSON.readTree(r.body());
    return new Reply(r.statusCode(), body, r);
  }
}
