package io.exora.ai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExtractionRequestTest {

  static ExtractionRequest withPages(List<PageImage> pages) {
    return new ExtractionRequest(AiFixtures.PROMPT, "", pages, AiFixtures.SCHEMA, "m", 100, null);
  }

  @Test
  void theLimitsAreNamedInTheErrors() {
    assertThatThrownBy(() -> withPages(List.of())).hasMessage("an extraction needs text or page images");
    assertThatThrownBy(() -> withPages(Collections.nCopies(101, new PageImage(new byte[1], "image/png"))))
        .hasMessageContaining("the limit is 100 per request");
    PageImage large = new PageImage(new byte[PageImage.MAX_BYTES], "image/jpeg");
    assertThatThrownBy(() -> withPages(List.of(large, large, large, large)))
        .hasMessageContaining("the limit is " + ExtractionRequest.MAX_PAGE_BYTES);
    assertThatThrownBy(() -> new PageImage(new byte[PageImage.MAX_BYTES + 1], "image/png"))
        .hasMessageContaining("1 to " + PageImage.MAX_BYTES + " bytes");
    assertThatThrownBy(() -> new PageImage(new byte[1], "application/pdf")).hasMessageContaining("media type");
    assertThatThrownBy(() -> ExtractionRequest.ofText(AiFixtures.PROMPT, "x", AiFixtures.SCHEMA, "m", 0))
        .hasMessageContaining("maxOutputTokens");
    assertThatThrownBy(() -> new ExtractionRequest(AiFixtures.PROMPT, "x", List.of(), AiFixtures.SCHEMA, "m", 10, 2.5))
        .hasMessageContaining("temperature");
    assertThatThrownBy(() -> ExtractionRequest.ofText(AiFixtures.PROMPT, "x",
        AiFixtures.json("{\"type\":\"object\",\"$ref\":\"#/x\"}"), "m", 10)).hasMessageContaining("'$ref' is not supported");
    assertThatThrownBy(() -> new Prompt("has space", "1", "x")).hasMessageContaining("prompt name");
  }

  @Test
  void toStringNeverShowsTheDocument() {
    ExtractionRequest r = AiFixtures.request("m");

    assertThat(r.toString()).doesNotContain("BP 128").contains(AiFixtures.LETTER.length() + " chars");
  }

  @Test
  void parametersRecordWhatShapesTheAnswerButNotTheContent() {
    ExtractionRequest r = new ExtractionRequest(AiFixtures.PROMPT, AiFixtures.LETTER, List.of(),
        AiFixtures.SCHEMA, "m", 300, 0.0);

    assertThat(r.parameters().toString()).doesNotContain("BP 128");
    assertThat(r.parameters().path("max_output_tokens").asInt()).isEqualTo(300);
    assertThat(r.parameters().path("temperature").asDouble()).isZero();
    assertThat(r.parameters().path("schema_sha256").asText()).hasSize(64);
  }
}
