package io.exora.documents.storage;

/**
 * The one place that decides what an object key may be. Both backends call it before they touch
 * anything, and {@link FileStorage} turns only checked keys into paths.
 *
 * <p>The server makes its keys itself ({@code <patient-uuid>/<file-uuid>}), so nothing a user
 * types should ever reach here; the check is the second line of defence, in case something does.
 * A key is 1 to {@value #MAX_LENGTH} characters of {@code [A-Za-z0-9/_.-]}, made of non-empty
 * segments separated by single slashes, none of them {@code .} or {@code ..}: so no leading or
 * trailing slash, no {@code //}, no way up or sideways in a file tree, and never two spellings of
 * one object (which {@code a/./b} and {@code a/b} would be on disk but not in S3).
 */
public final class ObjectKeys {
  /** S3 allows 1,024 bytes; this leaves room for a bucket prefix of up to 511 characters. */
  public static final int MAX_LENGTH = 512;

  private ObjectKeys() {}

  /** Returns the key unchanged if it is valid; throws IllegalArgumentException saying why not. */
  public static String check(String key) {
    if (key == null || key.isEmpty() || key.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("an object key must be 1 to " + MAX_LENGTH + " characters");
    }
    checkAlphabet(key, "an object key");
    for (String segment : key.split("/", -1)) {
      if (segment.isEmpty()) {
        throw new IllegalArgumentException(
            "an object key must not start or end with '/' or contain '//': " + key);
      }
      if (segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException("an object key must not contain '.' or '..' segments: " + key);
      }
    }
    return key;
  }

  /**
   * Returns a listing prefix unchanged if it is valid: empty (everything), or the start of a key
   * (it may end in the middle of a segment or with a slash, as S3 prefixes do).
   */
  public static String checkPrefix(String prefix) {
    if (prefix == null || prefix.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("a key prefix must be 0 to " + MAX_LENGTH + " characters");
    }
    if (prefix.isEmpty()) {
      return prefix;
    }
    checkAlphabet(prefix, "a key prefix");
    if (prefix.startsWith("/") || prefix.contains("//")) {
      throw new IllegalArgumentException("a key prefix must not start with '/' or contain '//': " + prefix);
    }
    String[] segments = prefix.split("/", -1);
    for (int i = 0; i < segments.length - 1; i++) {  // the last one may be the start of a longer name
      if (segments[i].equals(".") || segments[i].equals("..")) {
        throw new IllegalArgumentException("a key prefix must not contain '.' or '..' segments: " + prefix);
      }
    }
    return prefix;
  }

  /** True when {@link #check} would accept the key. */
  static boolean isValid(String key) {
    try {
      check(key);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** True when a single path segment (a file or directory name) could be part of a valid key. */
  static boolean isSegment(String name) {
    if (name.isEmpty() || name.equals(".") || name.equals("..")) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '/' || !allowed(c)) {
        return false;
      }
    }
    return true;
  }

  private static void checkAlphabet(String s, String what) {
    for (int i = 0; i < s.length(); i++) {
      if (!allowed(s.charAt(i))) {
        // The character is named by its code, so a control character cannot garble a log line.
        throw new IllegalArgumentException(what + " may contain only A-Z a-z 0-9 / _ . - (found U+"
            + String.format("%04X", (int) s.charAt(i)) + " at position " + i + ")");
      }
    }
  }

  private static boolean allowed(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '/' || c == '_' || c == '.' || c == '-';
  }
}
