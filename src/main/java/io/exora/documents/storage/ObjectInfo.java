package io.exora.documents.storage;

import java.time.Instant;
import java.util.Objects;

/** One listed object: what the orphan sweeper needs to decide whether it may go. */
public record ObjectInfo(String key, long size, Instant lastModified) {
  public ObjectInfo {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(lastModified, "lastModified");
  }
}
