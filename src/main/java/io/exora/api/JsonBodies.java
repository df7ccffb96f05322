package io.exora.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a JSON request body into a type, within a byte limit. A declared Content-Length over the
 * limit is refused before a byte is read; an undeclared (chunked) body is read only up to the
 * limit plus one byte, so an oversized body never sits in memory whole.
 */
public final class JsonBodies {
  private final ObjectMapper mapper;
  private final long maxBytes;

  public JsonBodies(ObjectMapper mapper, long maxBytes) {
    this.mapper = mapper;
    this.maxBytes = maxBytes;
  }

  public <T> T read(Context ctx, Class<T> type) {
    String contentType = ctx.contentType();
    if (contentType == null || !contentType.toLowerCase().startsWith("application/json")) {
      throw new ApiError(415, "unsupported_media_type", "the request body must be application/json");
    }
    long declared = ctx.req().getContentLengthLong();
    if (declared > maxBytes) {
      throw tooLarge();
    }
    byte[] body;
    try (InputStream in = ctx.req().getInputStream()) {
      body = in.readNBytes((int) maxBytes + 1);
    } catch (IOException e) {
      throw ApiError.badRequest("unreadable_body", "the request body could not be read");
    }
    if (body.length > maxBytes) {
      throw tooLarge();
    }
    if (body.length == 0) {
      throw ApiError.badRequest("invalid_json", "the request body is empty");
    }
    try {
      T value = mapper.readValue(body, type);
      if (value == null) {
        throw ApiError.badRequest("invalid_json", "the request body must be a JSON object");
      }
      return value;
    } catch (IOException e) {
      throw ApiError.badRequest("invalid_json", "the request body is not valid JSON of the expected shape");
    }
  }

  private ApiError tooLarge() {
    return new ApiError(413, "payload_too_large", "the request body exceeds " + maxBytes + " bytes");
  }
}
