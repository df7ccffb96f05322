package io.exora.documents.storage;

import java.io.IOException;

/**
 * The content of a put went past its limit. Storage read at most one byte more than the limit
 * and left nothing behind; the upload route answers 413.
 */
public final class ObjectTooLarge extends IOException {
  private final long limitBytes;

  public ObjectTooLarge(long limitBytes) {
    super("the content is larger than the limit of " + limitBytes + " bytes");
    this.limitBytes = limitBytes;
  }

  public long limitBytes() {
    return limitBytes;
  }
}
