package io.exora.ai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.exora.ai.AiFixtures.RecordingListener;
import io.exora.ai.AiFixtures.RecordingSleeper;
import io.exora.ai.OcrProvider.OcrPage;
import io.exora.ai.OcrProvider.OcrResult;
import io.exora.ai.ProviderException.Code;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Google Vision images:annotate with DOCUMENT_TEXT_DETECTION, against a loopback vendor. */
class GoogleVisionOcrTest {
  static final String KEY = "AIza-test-vision-key";
  VendorServer vendor;
  RecordingSleeper sleeper;
  RecordingListener listener;

  @BeforeEach
  void start() {
    vendor = VendorServer.start();
    sleeper = new RecordingSleeper();
    listener = new RecordingListener();
  }

  @AfterEach
  void stop() {
    vendor.close();
  }

  GoogleVisionOcr ocr(int maxAttempts) {
    return new GoogleVisionOcr(vendor.baseUrl(), KEY,
        AiFixtures.http(Duration.ofSeconds(5), maxAttempts, sleeper, listener));
  }

  static PageImage page(int n) {
    return new PageImage(new byte[] {(byte) 0x89, 'P', 'N', 'G', (byte) n}, "image/png");
  }

  static String annotation(String text, double... confidences) {
    StringBuilder pages = new StringBuilder();
    for (double c : confidences) {
      pages.append(pages.isEmpty() ? "" : ",").append("{\"confidence\":").append(c).append(",\"width\":1700,\"height\":2200}");
    }
    return "{\"fullTextAnnotation\":{\"text\":" + Json.MAPPER.valueToTree(text) + ",\"pages\":[" + pages + "]}}";
  }

  @Test
  void readsTheTextAndConfidenceOfEachPage() throws Exception {
    vendor.reply(200, "{\"responses\":[" + annotation("Haemoglobin 13.2 g/dL\n", 0.98) + ",{}]}");

    OcrResult result = ocr(3).recognize(List.of(page(1), page(2)));

    assertThat(result.pages()).containsExactly(new OcrPage("Haemoglobin 13.2 g/dL\n", 0.98), new OcrPage("", null));
    assertThat(result.attempts()).isEqualTo(1);
    // The shared limiter knows Vision as the original's api_rate_limits row does.
    assertThat(listener.models).containsExactly("google/vision-api");
    VendorServer.Received sent = vendor.onlyRequest();
    assertThat(sent.path()).isEqualTo("/v1/images:annotate");
    assertThat(sent.header("x-goog-api-key")).isEqualTo(KEY);
    JsonNode first = sent.json().path("requests").path(0);
    assertThat(first.path("image").path("content").asText()).isEqualTo(Base64.getEncoder().encodeToString(page(1).bytes()));
    assertThat(first.path("features").path(0).path("type").asText()).isEqualTo("DOCUMENT_TEXT_DETECTION");
  }

  @Test
  void moreThanSixteenPagesGoInBatchesInOrder() throws Exception {
    List<PageImage> pages = new ArrayList<>();
    StringBuilder firstBatch = new StringBuilder();
    for (int i = 0; i < 18; i++) {
      pages.add(page(i));
      if (i < 16) {
        firstBatch.append(i == 0 ? "" : ",").append(annotation("page " + i, 0.9));
      }
    }
    vendor.reply(200, "{\"responses\":[" + firstBatch + "]}")
        .reply(200, "{\"responses\":[" + annotation("page 16", 0.8) + "," + annotation("page 17", 0.7, 0.9) + "]}");

    OcrResult result = ocr(1).recognize(pages);

    assertThat(vendor.requests()).extracting(r -> r.json().path("requests").size()).containsExactly(16, 2);
    assertThat(result.pages()).hasSize(18);
    assertThat(result.pages().get(17)).isEqualTo(new OcrPage("page 17", 0.8));
    assertThat(result.pages().get(16).text()).isEqualTo("page 16");
    assertThat(result.attempts()).isEqualTo(2);
  }

  @Test
  void anHttpErrorIsReportedWithItsCode() {
    vendor.reply(403, "{\"error\":{\"code\":403,\"message\":\"Cloud Vision API has not been used in project 1\",\"status\":\"PERMISSION_DENIED\"}}");

    ProviderException e = catchThrowableOfType(ProviderException.class, () -> ocr(3).recognize(List.of(page(1))));

    assertThat(e.code()).isEqualTo(Code.UNAUTHORIZED);
    assertThat(e.getMessage()).contains("Cloud Vision API has not been used");
    assertThat(vendor.requests()).hasSize(1);
  }

  @Test
  void aPerImageErrorFailsTheCallAndATransientOneIsRetried() throws Exception {
    vendor.reply(200, "{\"responses\":[{\"error\":{\"code\":14,\"message\":\"backend unavailable\"}}]}")
        .reply(200, "{\"responses\":[" + annotation("BP 120/80", 0.95) + "]}");

    OcrResult result = ocr(3).recognize(List.of(page(1)));

    assertThat(result.pages()).containsExactly(new OcrPage("BP 120/80", 0.95));
    assertThat(result.attempts()).isEqualTo(2);

    vendor.reply(200, "{\"responses\":[{\"error\":{\"code\":3,\"message\":\"Bad image data.\"}}]}");
    ProviderException e = catchThrowableOfType(ProviderException.class, () -> ocr(3).recognize(List.of(page(1))));
    assertThat(e.code()).isEqualTo(Code.BAD_REQUEST);
    assertThat(e.getMessage()).contains("image 1").contains("Bad image data.");
  }

  @Test
  void aResponseCountThatDoesNotMatchIsMalformed() {
    vendor.reply(200, "{\"responses\":[]}");

    ProviderException e = catchThrowableOfType(ProviderException.class, () -> ocr(3).recognize(List.of(page(1))));

    assertThat(e.code()).isEqualTo(Code.MALFORMED_RESPONSE);
    assertThat(vendor.requests()).hasSize(1);
  }
}
