package io.exora.documents.storage;

import java.io.IOException;

/** No object is stored under the key (never written, deleted, or swept as an orphan). */
public final class ObjectNotFound extends IOException {
  private final String key;

  public ObjectNotFound(String key) {
    super("no stored object under key " + key);
    this.key = key;
  }

  public String key() {
    return key;
  }
}
