package io.exora.ai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.exora.ai.ProviderException.Code;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalProviderTest {
  final LocalProvider local = new LocalProvider(new VitalSignsExtractor());

  @Test
  void extractsOfflineWithTheEstimateAsUsageAndNoCost() throws Exception {
    ExtractionRequest request = AiFixtures.request("local");

    ExtractionResult result = local.extract(request);

    assertThat(result.output()).isEqualTo(AiFixtures.json(AiFixtures.GOOD_OUTPUT));
    assertThat(result.provider()).isEqualTo("local");
    assertThat(result.modelReturned()).isEqualTo("vital-signs-patterns@1");
    assertThat(result.attempts()).isEqualTo(1);
    assertThat(result.signal()).isNull();
    assertThat(result.usage().inputTokens()).isEqualTo(local.estimateTokens(request))
        .isEqualTo((long) Math.ceil((AiFixtures.PROMPT.instructions().length() + AiFixtures.LETTER.length()) / 4.0));
    assertThat(result.usage().outputTokens()).isPositive();
    assertThat(PriceTable.load().cost("local", result.modelReturned(), "local", result.usage()).amount())
        .isZero();
  }

  @Test
  void theExtractorReadsWhatTheLetterSays() throws Exception {
    ExtractionRequest request = ExtractionRequest.ofText(AiFixtures.PROMPT,
        "Seen 2026-10-30. Temp 38.4 C, pulse 104. No BP taken.", AiFixtures.SCHEMA, "local", 500);

    JsonNode out = local.extract(request).output();

    assertThat(out).isEqualTo(AiFixtures.json("""
        {"document_date": "2026-10-30", "vitals": [
          {"kind": "heart_rate", "value": 104, "secondary": null, "unit": "bpm"},
          {"kind": "temperature", "value": 38.4, "secondary": null, "unit": "Cel"}]}"""));
  }

  @Test
  void pageImagesAloneNeedOcrFirst() {
    ExtractionRequest pages = new ExtractionRequest(AiFixtures.PROMPT, "",
        List.of(new PageImage(new byte[] {1, 2}, "image/png")), AiFixtures.SCHEMA, "local", 500, null);

    ProviderException e = catchThrowableOfType(ProviderException.class, () -> local.extract(pages));

    assertThat(e.code()).isEqualTo(Code.BAD_REQUEST);
    assertThat(e.getMessage()).contains("run OCR");
  }

  @Test
  void anExtractorWhoseOutputBreaksTheSchemaFailsLikeAVendorWould() {
    LocalProvider faulty = new LocalProvider(new OfflineExtractor() {
      @Override
      public String name() {
        return "faulty@0";
      }

      @Override
      public JsonNode extract(String text, JsonNode schema) {
        return AiFixtures.json(AiFixtures.OFF_SCHEMA_OUTPUT);
      }
    });

    ProviderException e = catchThrowableOfType(ProviderException.class,
        () -> faulty.extract(AiFixtures.request("local")));

    assertThat(e.code()).isEqualTo(Code.SCHEMA_VIOLATION);
    assertThat(e.getMessage()).contains("faulty@0").contains("/vitals/0/kind");
    assertThat(e.usage().inputTokens()).isPositive();
  }
}
