package io.exora.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AuthApiTest {
  static TestServer server;
  static ApiClient api;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    api = server.client;
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void signupCreatesTheUserAndTheirSelfProfileAndReturnsAWorkingToken() {
    JsonNode body = api.signup("Ada@Example.org", "correct horse battery", "Ada");
    assertThat(body.get("user_id").asText()).isNotBlank();
    assertThat(body.get("profile_id").asText()).isNotBlank();

    ApiClient.Response profiles = api.get("/v1/profiles", body.get("access_token").asText());
    assertThat(profiles.status()).isEqualTo(200);
    assertThat(profiles.body().get("profiles")).hasSize(1);
    JsonNode self = profiles.body().get("profiles").get(0);
    assertThat(self.get("profile_id").asText()).isEqualTo(body.get("profile_id").asText());
    assertThat(self.get("profile_type").asText()).isEqualTo("self");
    assertThat(self.get("access_level").asText()).isEqualTo("owner");
  }

  @Test
  void signingUpTwiceWithOneAddressConflicts() {
    api.signup("twice@example.org", "correct horse battery", "Twice");
    ApiClient.Response again = api.post("/v1/auth/signup", null,
        Map.of("email", "TWICE@example.org", "password", "another password 1", "display_name", "Twice"));
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.errorCode()).isEqualTo("email_taken");
  }

  @Test
  void signupRefusesWeakPasswordsAndBadAddresses() {
    ApiClient.Response weak = api.post("/v1/auth/signup", null,
        Map.of("email", "weak@example.org", "password", "short", "display_name", "W"));
    assertThat(weak.status()).isEqualTo(400);
    assertThat(weak.errorCode()).isEqualTo("weak_password");

    ApiClient.Response tooLong = api.post("/v1/auth/signup", null,
        Map.of("email", "long@example.org", "password", "x".repeat(73), "display_name", "L"));
    assertThat(tooLong.status()).isEqualTo(400);

    ApiClient.Response address = api.post("/v1/auth/signup", null,
        Map.of("email", "not-an-address", "password", "correct horse battery", "display_name", "N"));
    assertThat(address.status()).isEqualTo(400);
    assertThat(address.errorCode()).isEqualTo("invalid_email");
  }

  @Test
  void tokenExchangesCorrectCredentialsOnly() {
    api.signup("grace@example.org", "correct horse battery", "Grace");

    ApiClient.Response ok = api.post("/v1/auth/token", null,
        Map.of("email", "GRACE@example.org", "password", "correct horse battery"));
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.body().get("token_type").asText()).isEqualTo("bearer");
    assertThat(ok.body().get("expires_in").asLong()).isEqualTo(3600);
    assertThat(api.get("/v1/profiles", ok.body().get("access_token").asText()).status()).isEqualTo(200);

    ApiClient.Response wrong = api.post("/v1/auth/token", null,
        Map.of("email", "grace@example.org", "password", "wrong horse battery"));
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.errorCode()).isEqualTo("invalid_credentials");

    ApiClient.Response unknown = api.post("/v1/auth/token", null,
        Map.of("email", "nobody@example.org", "password", "correct horse battery"));
    assertThat(unknown.status()).isEqualTo(401);
    assertThat(unknown.errorCode()).isEqualTo("invalid_credentials");
    assertThat(unknown.body().toString()).doesNotContain("nobody");
  }

  @Test
  void everyKindOfBadTokenGets401WithItsOwnCode() throws Exception {
    UUID user = UUID.fromString(api.signup("tokens@example.org", "correct horse battery", "T")
        .get("user_id").asText());
    Instant now = Instant.now();

    assertThat(api.get("/v1/profiles", null)).satisfies(r -> unauthorized(r, "token_missing"));
    assertThat(api.get("/v1/profiles", "not.a-token")).satisfies(r -> unauthorized(r, "token_malformed"));
    assertThat(api.get("/v1/profiles", sign(server.jwtSecret, claims(user, "authenticated", now.minusSeconds(3600)))))
        .satisfies(r -> unauthorized(r, "token_expired"));
    assertThat(api.get("/v1/profiles", sign("another-secret-another-secret-another-secret!!".getBytes(StandardCharsets.UTF_8),
        claims(user, "authenticated", now.plusSeconds(600)))))
        .satisfies(r -> unauthorized(r, "token_signature_invalid"));
    assertThat(api.get("/v1/profiles", sign(server.jwtSecret, claims(user, "someone-else", now.plusSeconds(600)))))
        .satisfies(r -> unauthorized(r, "token_audience_invalid"));
    assertThat(api.get("/v1/profiles", unsecured(user, now.plusSeconds(600))))
        .satisfies(r -> unauthorized(r, "token_algorithm_unsupported"));

    // The well-formed token of the same user is accepted, so the refusals above are the token's fault.
    assertThat(api.get("/v1/profiles", sign(server.jwtSecret, claims(user, "authenticated", now.plusSeconds(600))))
        .status()).isEqualTo(200);
  }

  @Test
  void everyResponseCarriesACorrelationId() {
    ApiClient.Response generated = api.get("/healthz", null);
    assertThat(generated.header("X-Correlation-Id")).isNotBlank();

    ApiClient.Response echoed = api.send(api.builder("/v1/profiles", null)
        .header("X-Correlation-Id", "req-42").GET());
    assertThat(echoed.header("X-Correlation-Id")).isEqualTo("req-42");
    assertThat(echoed.body().path("error").path("correlation_id").asText()).isEqualTo("req-42");

    ApiClient.Response unsafe = api.send(api.builder("/healthz", null)
        .header("X-Correlation-Id", "bad id with spaces").GET());
    assertThat(unsafe.header("X-Correlation-Id")).isNotEqualTo("bad id with spaces").isNotBlank();
  }

  @Test
  void badBodiesGetClearErrorsAndOversizedOnesAreRefusedUnread() {
    ApiClient.Response notJson = api.send(api.builder("/v1/auth/signup", null)
        .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("hello")));
    assertThat(notJson.status()).isEqualTo(415);

    ApiClient.Response broken = api.post("/v1/auth/signup", null, "{\"email\": ");
    assertThat(broken.status()).isEqualTo(400);
    assertThat(broken.errorCode()).isEqualTo("invalid_json");

    ApiClient.Response unknownField = api.post("/v1/auth/signup", null, Map.of("emial", "x@example.org"));
    assertThat(unknownField.status()).isEqualTo(400);

    String huge = "{\"email\":\"" + "a".repeat(200_000) + "\"}";
    ApiClient.Response declared = api.post("/v1/auth/signup", null, huge);
    assertThat(declared.status()).isEqualTo(413);
    assertThat(declared.errorCode()).isEqualTo("payload_too_large");

    // A chunked body declares no length: it is read only up to the limit. The server answers 413
    // and closes the connection while the client may still be sending, so the client sees either
    // the 413 or the connection closed under it; either way the server stays up.
    var chunked = HttpRequest.BodyPublishers.ofInputStream(
        () -> new java.io.ByteArrayInputStream(huge.getBytes(StandardCharsets.UTF_8)));
    try {
      ApiClient.Response streamed = api.send(api.builder("/v1/auth/signup", null)
          .header("Content-Type", "application/json").POST(chunked));
      assertThat(streamed.status()).isEqualTo(413);
    } catch (java.io.UncheckedIOException closedWhileSending) {
      assertThat(closedWhileSending).hasRootCauseInstanceOf(java.io.IOException.class);
    }
    assertThat(api.get("/v1/nothing-here", null).status()).as("the server still answers").isEqualTo(404);
  }

  @Test
  void unknownEndpointsAnswerWithTheErrorBody() {
    ApiClient.Response r = api.get("/v1/nothing-here", null);
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.errorCode()).isEqualTo("not_found");
    assertThat(r.body().path("error").path("correlation_id").asText()).isNotBlank();
  }

  @Test
  void healthAndReadiness() {
    assertThat(api.get("/healthz", null).status()).isEqualTo(200);
    ApiClient.Response ready = api.get("/readyz", null);
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.body().get("status").asText()).isEqualTo("ready");
  }

  private static void unauthorized(ApiClient.Response r, String code) {
    assertThat(r.status()).as(r.body().toString()).isEqualTo(401);
    assertThat(r.errorCode()).isEqualTo(code);
    assertThat(r.body().path("error").path("message").asText()).isNotBlank();
  }

  static JWTClaimsSet claims(UUID user, String audience, Instant expires) {
    return new JWTClaimsSet.Builder()
        .subject(user.toString()).audience(audience).claim("role", "authenticated")
        .claim("email", "tokens@example.org")
        .issueTime(Date.from(expires.minusSeconds(3600))).expirationTime(Date.from(expires)).build();
  }

  static String sign(byte[] secret, JWTClaimsSet claims) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
    jwt.sign(new MACSigner(secret));
    return jwt.serialize();
  }

  static String unsecured(UUID user, Instant expires) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String header = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    String payload = b64.encodeToString(claims(user, "authenticated", expires).toString()
        .getBytes(StandardCharsets.UTF_8));
    return header + "." + payload + ".";
  }
}
