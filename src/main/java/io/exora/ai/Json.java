package io.exora.ai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The provider layer's JSON reading and writing, strict about what it accepts. */
final class Json {
  /** Trailing tokens fail: "{...} garbage" is not a JSON answer. */
  static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .build();

  private Json() {}

  /**
   * Parses JSON text that a vendor sent. Empty, malformed and truncated text each give a
   * permanent {@code malformed_response} naming what was wrong; {@code what} names the text
   * ("response body", "model output").
   */
  static JsonNode parse(String text, String what) throws ProviderException {
    if (text == null || text.isBlank()) {
      throw ProviderException.malformed(what + " is empty");
    }
    try {
      JsonNode node = MAPPER.readTree(text);
      if (node == null || node.isMissingNode()) {
        throw ProviderException.malformed(what + " is empty");
      }
      return node;
    } catch (JsonEOFException e) {
      throw ProviderException.malformed(what + " is truncated JSON (it ends after "
          + text.length() + " characters)");
    } catch (JsonProcessingException e) {
      throw ProviderException.malformed(what + " is not valid JSON: " + e.getOriginalMessage());
    }
  }

  static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialise a JSON tree", e);
    }
  }

  static String sha256(JsonNode node) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes(node)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  static String utf8(byte[] body) {
    return new String(body, StandardCharsets.UTF_8);
  }
}
