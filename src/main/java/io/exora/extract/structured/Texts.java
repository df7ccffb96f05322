package io.exora.extract.structured;

/**
 * Whitespace and length rules shared by both readers. Text fields are capped because a document may
 * point a name at a whole narrative block, or carry megabytes in one string; an event keeps a
 * readable prefix, and the full text stays in the stored document.
 */
final class Texts {

  /** Names of tests, drugs, problems, allergens and vaccines. */
  static final int MAX_NAME_CHARS = 200;

  /** Textual values, reference range texts, reactions. */
  static final int MAX_VALUE_CHARS = 1000;

  /** Evidence source text. */
  static final int MAX_SOURCE_CHARS = 300;

  private Texts() {}

  /** Collapses runs of whitespace and caps at {@link #MAX_VALUE_CHARS}; null for null or blank. */
  static String clean(String s) {
    return clean(s, MAX_VALUE_CHARS);
  }

  /** Cleaned and capped at {@code max} characters, the last one an ellipsis when cut. */
  static String clean(String s, int max) {
    if (s == null) {
      return null;
    }
    String collapsed = s.replaceAll("\\s+", " ").trim();
    return collapsed.isEmpty() ? null : cap(collapsed, max);
  }

  static String cap(String s, int max) {
    if (s == null || s.length() <= max) {
      return s;
    }
    return s.substring(0, max - 1) + "…";
  }
}
