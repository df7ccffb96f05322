package io.exora.documents;

import java.text.Normalizer;

/**
 * Makes a client's file name safe to keep and to show: the last path segment only, no control or
 * invisible characters, NFC, at most 255 characters. Storage keys never come from names.
 */
public final class FileNames {
  public static final int MAX_LENGTH = 255;
  static final String FALLBACK = "document";

  private FileNames() {}

  public static String sanitise(String clientName) {
    if (clientName == null) {
      return FALLBACK;
    }
    String name = Normalizer.normalize(clientName, Normalizer.Form.NFC);
    int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
    name = name.substring(slash + 1);
    StringBuilder b = new StringBuilder(name.length());
    name.codePoints()
        .filter(c -> !Character.isISOControl(c) && Character.getType(c) != Character.FORMAT
            && Character.getType(c) != Character.UNASSIGNED && Character.getType(c) != Character.SURROGATE)
        .forEach(b::appendCodePoint);
    String cleaned = b.toString().strip();
    while (cleaned.startsWith(".")) {
      cleaned = cleaned.substring(1);  // no hidden files and no "..": "../../etc/passwd" became "passwd" above
    }
    if (cleaned.isBlank()) {
      return FALLBACK;
    }
    if (cleaned.length() > MAX_LENGTH) {
      int cut = MAX_LENGTH;
      if (Character.isLowSurrogate(cleaned.charAt(cut))) {
        cut--;
      }
      cleaned = cleaned.substring(0, cut);
    }
    return cleaned;
  }
}
