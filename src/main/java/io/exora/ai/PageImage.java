package io.exora.ai;

import java.util.Objects;
import java.util.Set;

/**
 * One page as an image, for a model that reads pages (or for OCR).
 *
 * @param bytes the encoded image
 * @param mediaType {@code image/png}, {@code image/jpeg} or {@code image/webp}: the formats that
 *     OpenAI, Anthropic, Gemini and Google Vision all accept
 */
public record PageImage(byte[] bytes, String mediaType) {
  public static final Set<String> MEDIA_TYPES = Set.of("image/png", "image/jpeg", "image/webp");
  /** Anthropic refuses larger images; it is the strictest of the vendors. */
  public static final int MAX_BYTES = 5 * 1024 * 1024;

  public PageImage {
    Objects.requireNonNull(bytes, "image bytes");
    Objects.requireNonNull(mediaType, "image media type");
    if (!MEDIA_TYPES.contains(mediaType)) {
      throw new IllegalArgumentException("page image media type must be one of " + MEDIA_TYPES
          + ", got '" + mediaType + "'");
    }
    if (bytes.length == 0 || bytes.length > MAX_BYTES) {
      throw new IllegalArgumentException(
          "a page image must be 1 to " + MAX_BYTES + " bytes, got " + bytes.length);
    }
  }

  @Override
  public String toString() {
    return "PageImage[" + mediaType + ", " + bytes.length + " bytes]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PageImage p && mediaType.equals(p.mediaType)
        && java.util.Arrays.equals(bytes, p.bytes);
  }

  @Override
  public int hashCode() {
    return 31 * mediaType.hashCode() + java.util.Arrays.hashCode(bytes);
  }
}
