package io.exora.documents.storage;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Reads the content of one put: counts the bytes, hashes them with SHA-256 as they pass, and
 * enforces the size limit. Both backends read through it, so the limit and the hash mean the same
 * thing whatever the storage.
 *
 * <p>It never asks the source for more than {@code maxBytes + 1} bytes in all: one byte past the
 * limit proves the content too large, and a client streaming a huge body is not read any further.
 * It does not close the source, which belongs to the caller (an HTTP request body, say).
 */
final class ContentMeter {
  private final InputStream source;
  private final long maxBytes;
  private final MessageDigest sha256;
  private long size;

  ContentMeter(InputStream source, long maxBytes) {
    if (source == null) {
      throw new NullPointerException("content");
    }
    // maxBytes + 1 must not overflow; no real limit comes near it.
    if (maxBytes < 0 || maxBytes == Long.MAX_VALUE) {
      throw new IllegalArgumentException("maxBytes must be between 0 and Long.MAX_VALUE - 1, got " + maxBytes);
    }
    this.source = source;
    this.maxBytes = maxBytes;
    this.sha256 = newSha256();
  }

  /**
   * Reads up to {@code buffer.length} bytes into {@code buffer}; returns how many, or -1 at the end
   * of the content. Throws {@link ObjectTooLarge} as soon as the content is known to pass the limit.
   */
  int read(byte[] buffer) throws IOException {
    long allowed = maxBytes - size + 1;  // at least 1 while size <= maxBytes
    int n;
    do {
      n = source.read(buffer, 0, (int) Math.min(buffer.length, allowed));
    } while (n == 0);  // a source may return 0 for a non-empty request; it is not the end
    if (n < 0) {
      return -1;
    }
    size += n;
    if (size > maxBytes) {
      throw new ObjectTooLarge(maxBytes);
    }
    sha256.update(buffer, 0, n);
    return n;
  }

  long size() {
    return size;
  }

  /** The digest of everything read; call once, after {@link #read} returned -1. */
  byte[] sha256() {
    return sha256.digest();
  }

  static String hex(byte[] digest) {
    return HexFormat.of().formatHex(digest);
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
