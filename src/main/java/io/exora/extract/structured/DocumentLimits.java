package io.exora.extract.structured;

/**
 * Bounds on one structured document, checked while it is parsed so that a hostile file fails fast
 * with {@code too_large} instead of exhausting a worker's memory. Entity expansion needs no bound
 * of its own: a DOCTYPE is refused outright ({@code unsafe_xml}), so no entity can be declared.
 *
 * @param maxBytes the document's size; uploads may be larger (50 MB), structured documents this big
 *     are always machine exports that can be split
 * @param maxXmlElements elements in a C-CDA; a parsed DOM costs roughly 150-250 bytes per element
 * @param maxJsonTokens tokens (names, values, brackets) in a FHIR JSON document
 * @param maxDepth XML element nesting or JSON nesting; real C-CDA and FHIR stay below 40
 */
public record DocumentLimits(int maxBytes, int maxXmlElements, int maxJsonTokens, int maxDepth) {

  public static final int DEFAULT_MAX_BYTES = 20 * 1024 * 1024;
  public static final int DEFAULT_MAX_XML_ELEMENTS = 500_000;
  public static final int DEFAULT_MAX_JSON_TOKENS = 2_000_000;
  public static final int DEFAULT_MAX_DEPTH = 128;

  public static final DocumentLimits DEFAULT =
      new DocumentLimits(
          DEFAULT_MAX_BYTES, DEFAULT_MAX_XML_ELEMENTS, DEFAULT_MAX_JSON_TOKENS, DEFAULT_MAX_DEPTH);

  public DocumentLimits {
    if (maxBytes < 1 || maxXmlElements < 1 || maxJsonTokens < 1 || maxDepth < 1) {
      throw new IllegalArgumentException("every document limit must be positive");
    }
  }
}
