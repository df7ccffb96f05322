package io.exora.extract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReadTextTest {

  @Test
  void joinsPagesWithAPageBreakAndHasNoConfidenceWithoutOcr() {
    ReadText read = ReadText.of(List.of(PageText.textLayer(1, "one"), PageText.textLayer(2, "two")));

    assertThat(read.text()).isEqualTo("one\n\f\ntwo");
    assertThat(read.pageCount()).isEqualTo(2);
    assertThat(read.ocrConfidence()).isNull();
  }

  @Test
  void weighsEachOcrPagesConfidenceByItsText() {
    ReadText read = ReadText.of(List.of(
        PageText.ocr(1, "abcdefgh ij", 0.9),   // 10 visible characters
        PageText.textLayer(2, "typed text is exact"),
        PageText.ocr(3, "x y", 0.4)));         // 2

    assertThat(read.ocrConfidence()).isCloseTo((0.9 * 10 + 0.4 * 2) / 12, within(1e-12));
  }

  @Test
  void ocrThatFoundNothingHasZeroConfidence() {
    assertThat(ReadText.of(List.of(PageText.ocr(1, "", 0))).ocrConfidence()).isZero();
  }

  @Test
  void aPageKnowsWhereItCameFrom() {
    assertThatThrownBy(() -> new PageText(1, "x", PageText.Source.OCR, null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PageText(1, "x", PageText.Source.TEXT_LAYER, 0.5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PageText.ocr(1, "x", 1.5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PageText.textLayer(0, "x")).isInstanceOf(IllegalArgumentException.class);
  }
}
