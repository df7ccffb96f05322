package io.exora.extract.ocr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class TesseractTsvTest {

  private static final String HEADER =
      "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n";

  private static String word(int block, int par, int line, int word, double conf, String text) {
    return "5\t1\t" + block + "\t" + par + "\t" + line + "\t" + word + "\t0\t0\t10\t10\t" + conf + "\t" + text + "\n";
  }

  @Test
  void rebuildsLinesAndParagraphsFromTheirNumbers() {
    String tsv = HEADER
        + "1\t1\t0\t0\t0\t0\t0\t0\t2550\t3300\t-1\t\n"
        + "2\t1\t1\t0\t0\t0\t10\t10\t500\t100\t-1\t\n"
        + word(1, 1, 1, 1, 96, "Hemoglobin") + word(1, 1, 1, 2, 94, "11.6")
        + word(1, 1, 2, 1, 90, "Platelets") + word(1, 1, 2, 2, 92, "262")
        + word(1, 2, 1, 1, 88, "Comments")
        + word(2, 1, 1, 1, 80, "Signed");

    OcrResult result = TesseractTsv.parse(tsv);

    assertThat(result.text()).isEqualTo("Hemoglobin 11.6\nPlatelets 262\n\nComments\n\nSigned");
    assertThat(result.words()).isEqualTo(6);
    assertThat(result.confidence()).isCloseTo((96 + 94 + 90 + 92 + 88 + 80) / 6.0 / 100, within(1e-9));
  }

  @Test
  void skipsEmptyWordsAndRowsWithoutConfidence() {
    String tsv = HEADER
        + word(1, 1, 1, 1, 95, "Sodium")
        + word(1, 1, 1, 2, -1, "")
        + word(1, 1, 1, 3, 12.5, " ")
        + word(1, 1, 1, 4, 85, "139");

    OcrResult result = TesseractTsv.parse(tsv);

    assertThat(result.text()).isEqualTo("Sodium 139");
    assertThat(result.confidence()).isCloseTo(0.90, within(1e-9));
  }

  @Test
  void noWordsMeansNoTextAndZeroConfidence() {
    assertThat(TesseractTsv.parse(HEADER)).isEqualTo(new OcrResult("", 0, 0));
    assertThat(TesseractTsv.parse("")).isEqualTo(new OcrResult("", 0, 0));
  }

  @Test
  void keepsATabInsideAWord() {
    // Tesseract does not escape the text column; it is the last one, so everything after the
    // eleventh tab belongs to the word.
    assertThat(TesseractTsv.parse(HEADER + word(1, 1, 1, 1, 90, "a\tb")).text()).isEqualTo("a\tb");
  }
}
