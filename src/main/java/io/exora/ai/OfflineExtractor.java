package io.exora.ai;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An extractor that runs in-process without a network: the engine behind the {@code local}
 * provider. It reads text only (page images need OCR first). Its answer is validated against the
 * schema like any vendor's, so a faulty extractor fails with {@code schema_violation} instead of
 * writing bad data.
 */
public interface OfflineExtractor {

  /** The engine and its version, recorded as the model that answered ("clinical-text@3"). */
  String name();

  /** Reads {@code text} and answers with JSON meant to conform to {@code schema}. */
  JsonNode extract(String text, JsonNode schema);
}
