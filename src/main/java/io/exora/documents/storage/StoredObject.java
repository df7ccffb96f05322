package io.exora.documents.storage;

import java.util.Objects;

/**
 * An object that {@link ObjectStorage#put} wrote completely: its key, its size in bytes and the
 * SHA-256 (lowercase hex) of its content, both measured by the server while it streamed the bytes.
 */
public record StoredObject(String key, long size, String sha256) {
  public StoredObject {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(sha256, "sha256");
    if (size < 0) {
      throw new IllegalArgumentException("size must not be negative");
    }
  }
}
