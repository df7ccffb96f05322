package io.exora.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.exora.ai.OfflineExtractor;
import io.exora.extract.text.ClinicalTextExtractor;
import io.exora.extract.text.ExtractionJson;

/** The {@code local} provider's engine: Exora's own pattern-and-vocabulary extractor, no network. */
public final class OfflineClinicalExtractor implements OfflineExtractor {
  private final ClinicalTextExtractor extractor = new ClinicalTextExtractor();

  @Override
  public String name() {
    return ClinicalTextExtractor.READER;
  }

  @Override
  public JsonNode extract(String text, JsonNode schema) {
    return ExtractionJson.toJson(extractor.extract(text));
  }
}
