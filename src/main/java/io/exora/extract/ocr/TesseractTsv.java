package io.exora.extract.ocr;

import java.util.Arrays;

/**
 * Reads Tesseract's TSV output (one row per page, block, paragraph, line and word, with each
 * word's confidence) back into text and a mean word confidence.
 *
 * <p>Lines are rebuilt from the block, paragraph and line numbers rather than taken from
 * Tesseract's plain-text output, because the TSV is the only output that carries confidences and
 * the two must describe the same words.
 */
final class TesseractTsv {

  /** TSV columns: level page_num block_num par_num line_num word_num left top width height conf text. */
  private static final int COLUMNS = 12;

  private static final int WORD_LEVEL = 5;

  private TesseractTsv() {}

  static OcrResult parse(String tsv) {
    StringBuilder text = new StringBuilder();
    double confidenceSum = 0;
    int words = 0;
    String lineKey = null;
    String paragraphKey = null;
    for (String row : tsv.split("\n")) {
      String[] c = row.split("\t", -1);
      if (c.length < COLUMNS || !c[0].equals(Integer.toString(WORD_LEVEL))) {
        continue;  // the header, and the page/block/paragraph/line rows, which carry no text
      }
      String word = String.join("\t", Arrays.copyOfRange(c, COLUMNS - 1, c.length)).strip();
      double conf = parseConfidence(c[10]);
      if (word.isEmpty() || conf < 0) {
        continue;
      }
      String paragraph = c[1] + "." + c[2] + "." + c[3];
      String line = paragraph + "." + c[4];
      if (lineKey == null) {
        // first word
      } else if (!paragraph.equals(paragraphKey)) {
        text.append("\n\n");
      } else if (!line.equals(lineKey)) {
        text.append('\n');
      } else {
        text.append(' ');
      }
      text.append(word);
      lineKey = line;
      paragraphKey = paragraph;
      confidenceSum += conf;
      words++;
    }
    double confidence = words == 0 ? 0 : Math.min(1, Math.max(0, confidenceSum / words / 100));
    return new OcrResult(text.toString(), confidence, words);
  }

  private static double parseConfidence(String s) {
    try {
      return Double.parseDouble(s.strip());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
