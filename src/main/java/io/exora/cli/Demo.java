package io.exora.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * {@code exora demo}: on a running server, signs in a demo account (created on first run; its
 * password is kept in the data directory), uploads the sample documents that ship with Exora over
 * the HTTP API, waits for them to be processed, and prints what was extracted from each. Uploads
 * carry idempotency keys, so running the demo again shows the same files instead of new copies.
 */
final class Demo {
  static final String EMAIL = "demo@exora.local";
  static final List<String> SAMPLES = List.of(
      "lab-report.pdf", "scanned-lab-report.png", "discharge-summary.txt", "ccd-pediatric-visit.xml",
      "fhir-bundle-adult.json");
  static final Duration PROCESSING_TIMEOUT = Duration.ofMinutes(5);

  private final ExoraClient api;
  private final Path dataDir;
  private final PrintStream out;

  Demo(ExoraClient api, Path dataDir, PrintStream out) {
    this.api = api;
    this.dataDir = dataDir;
    this.out = out;
  }

  /** Runs the demo; returns the number of documents that failed. */
  int run() throws IOException, InterruptedException {
    String token = signIn();
    JsonNode self = null;
    for (JsonNode p : api.get("/v1/profiles", token).ok().get("profiles")) {
      if (p.path("is_owner").asBoolean() && "self".equals(p.path("profile_type").asText())) {
        self = p;
      }
    }
    if (self == null) {
      throw new IllegalStateException("the demo account has no self profile");
    }
    UUID profileId = UUID.fromString(self.get("profile_id").asText());
    out.println("Demo account " + EMAIL + " (password in " + passwordFile() + "), profile " + profileId);

    Map<String, UUID> uploaded = new LinkedHashMap<>();
    for (String sample : SAMPLES) {
      byte[] content = sample(sample);
      ExoraClient.Reply reply = api.upload(token, profileId, sample, content, "demo-" + sha256(content));
      JsonNode body = reply.ok();
      uploaded.put(sample, UUID.fromString(body.get("shell_file_id").asText()));
      out.printf("uploaded %-26s %7d bytes -> shell file %s%s%n", sample, content.length,
          body.get("shell_file_id").asText(), "true".equals(reply.raw().headers().firstValue("Idempotent-Replayed")
              .orElse("")) ? " (already uploaded: same file)" : "");
    }

    out.println("\nwaiting for the worker to process them...");
    long deadline = System.nanoTime() + PROCESSING_TIMEOUT.toNanos();
    Map<String, JsonNode> files = new LinkedHashMap<>();
    while (files.size() < uploaded.size() && System.nanoTime() < deadline) {
      for (var e : uploaded.entrySet()) {
        if (!files.containsKey(e.getKey())) {
          JsonNode f = api.get("/v1/shell-files/" + e.getValue(), token).ok();
          String status = f.get("status").asText();
          if (status.equals("completed") || status.equals("failed")) {
            files.put(e.getKey(), f);
          }
        }
      }
      Thread.sleep(300);
    }

    JsonNode events = api.get("/v1/profiles/" + profileId + "/clinical-events?limit=500", token).ok().get("events");
    int failed = 0;
    for (var e : uploaded.entrySet()) {
      JsonNode f = files.get(e.getKey());
      out.println();
      if (f == null) {
        out.printf("%s: still processing after %s%n", e.getKey(), PROCESSING_TIMEOUT);
        failed++;
        continue;
      }
      if (f.get("status").asText().equals("failed")) {
        JsonNode error = f.get("processing_error");
        out.printf("%s: FAILED (%s at %s): %s%n", e.getKey(), error.path("code").asText(),
            error.path("stage").asText(), error.path("message").asText());
        failed++;
        continue;
      }
      describe(e.getKey(), f, events, e.getValue());
    }
    out.println("\nAll events: " + api.base() + "/v1/profiles/" + profileId + "/clinical-events"
        + " (Authorization: Bearer <token from POST " + api.base() + "/v1/auth/token>)");
    return failed;
  }

  private void describe(String sample, JsonNode file, JsonNode events, UUID fileId) {
    Map<String, Integer> byType = new TreeMap<>();
    StringBuilder examples = new StringBuilder();
    int shown = 0;
    for (JsonNode ev : events) {
      if (!fileId.toString().equals(ev.path("shell_file_id").asText())) {
        continue;
      }
      byType.merge(ev.get("event_type").asText(), 1, Integer::sum);
      if (shown++ < 6) {
        examples.append("    ").append(ev.get("event_type").asText()).append(": ").append(summary(ev)).append('\n');
      }
    }
    out.printf("%s: %s, %s page(s)%s, %d event(s) %s%n", sample, file.get("document_type").asText(),
        file.path("page_count").isNull() ? "-" : file.path("page_count").asText(),
        file.path("ocr_confidence").isNull() ? "" : ", OCR confidence " + file.path("ocr_confidence").asText(),
        file.get("clinical_event_count").asInt(), byType);
    out.print(examples);
    out.println("    " + api.base() + "/v1/shell-files/" + fileId);
  }

  /** "Hemoglobin 13.2 g/dL [LOINC 718-7]" and the like. */
  static String summary(JsonNode ev) {
    JsonNode d = ev.path("detail");
    StringBuilder s = new StringBuilder(ev.get("event_name").asText());
    for (String field : List.of("value_numeric", "value_text", "dose_amount", "dose_unit", "unit", "route",
        "frequency", "reaction", "status", "administered_date")) {
      JsonNode v = d.path(field);
      boolean redundant = field.equals("value_text") && d.hasNonNull("value_numeric")
          || field.equals("status") && v.asText().equals("unknown");
      if (!v.isMissingNode() && !v.isNull() && !redundant) {
        s.append(' ').append(v.asText());
      }
      if (field.equals("value_numeric") && d.hasNonNull("value_secondary")) {
        s.append('/').append(d.get("value_secondary").asText());
      }
    }
    for (String code : List.of("loinc_code", "rxnorm_code", "icd10_code", "snomed_code", "cvx_code")) {
      if (d.hasNonNull(code)) {
        s.append(" [").append(code.replace("_code", "").toUpperCase(java.util.Locale.ROOT)).append(' ')
            .append(d.get(code).asText()).append(']');
        break;
      }
    }
    return s.toString();
  }

  private String signIn() throws IOException, InterruptedException {
    Path file = passwordFile();
    if (Files.exists(file)) {
      String password = Files.readString(file).strip();
      return api.postJson("/v1/auth/token", null, Map.of("email", EMAIL, "password", password)).ok()
          .get("access_token").asText();
    }
    byte[] random = new byte[18];
    new SecureRandom().nextBytes(random);
    String password = HexFormat.of().formatHex(random);
    ExoraClient.Reply signup = api.postJson("/v1/auth/signup", null,
        Map.of("email", EMAIL, "password", password, "display_name", "Demo Family"));
    if (signup.status() == 409) {
      throw new IllegalStateException(EMAIL + " exists but its password is not in " + file
          + "; remove the data directory to start the demo afresh");
    }
    Files.writeString(file, password + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return signup.ok().get("access_token").asText();
  }

  private Path passwordFile() {
    return dataDir.resolve("demo-password");
  }

  private static byte[] sample(String name) throws IOException {
    try (InputStream in = Demo.class.getResourceAsStream("/samples/" + name)) {
      if (in == null) {
        throw new IOException("sample document " + name + " is missing from the build");
      }
      return in.readAllBytes();
    }
  }

  private static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)).substring(0, 32);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
