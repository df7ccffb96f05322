package io.exora.extract.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.exora.extract.PageText;
import io.exora.extract.ReadText;
import io.exora.extract.ocr.ImageReader;
import io.exora.extract.ocr.Tesseract;
import io.exora.extract.pdf.PdfReader;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The sample documents that ship for the demo: current, and readable for what they say. */
class SampleDocumentsTest {

  private static final Path SHIPPED_PDF = resource("/samples/lab-report.pdf");
  private static final Path SHIPPED_SCAN = resource("/samples/scanned-lab-report.png");

  @Test
  void theShippedPdfIsWhatTheGeneratorMakesFromTheShippedText() throws Exception {
    byte[] generated = SampleDocuments.typedReportPdf(lines("/samples/lab-report.txt"));

    assertThat(Files.readAllBytes(SHIPPED_PDF))
        .as("src/main/resources/samples/lab-report.pdf is stale: run SampleDocuments")
        .isEqualTo(generated);
  }

  @Test
  void theTypedReportCarriesEveryValueInItsTextLayer() throws Exception {
    ReadText read = new PdfReader(PdfReader.Limits.defaults(), new Tesseract()).read(SHIPPED_PDF);

    assertThat(read.pageCount()).isEqualTo(2);
    assertThat(read.pages()).extracting(PageText::source).containsOnly(PageText.Source.TEXT_LAYER);
    assertThat(read.ocrConfidence()).isNull();
    // Every row of every table, as "name result [flag] [units] range": the text's own values.
    List<String> rows = lines("/samples/lab-report.txt").stream()
        .filter(line -> line.matches("[A-Za-z].*\\S {2,}\\d[\\d.]* .*"))
        .map(line -> line.strip().replaceAll(" {2,}", " "))
        .toList();
    assertThat(rows).hasSizeGreaterThan(35).contains("Glucose, fasting 132 H mg/dL 70-99");
    assertThat(read.text()).contains(rows);
    assertThat(read.pages().get(0).text()).contains(
        "Patient: WHITFIELD, Jordan A. Specimen ID: NCL-25-0210-4471",
        "MRN: NFC-0062291 Collected: 2025-02-10 07:45");
    assertThat(read.pages().get(1).text()).contains("Hemoglobin A1c 6.9 H % 4.0-5.6");
  }

  @Test
  void theScannedReportLooksScannedAndOcrsToItsValues() throws Exception {
    assertThat(Files.size(SHIPPED_SCAN)).isLessThan(1_500_000);
    BufferedImage scan = ImageIO.read(SHIPPED_SCAN.toFile());
    assertThat(scan.getType()).isEqualTo(BufferedImage.TYPE_BYTE_GRAY);
    assertThat(scan.getWidth()).isEqualTo(2550);  // US Letter at 300 DPI: 2550 x 3300, less rounding
    assertThat(scan.getHeight()).isBetween(3299, 3300);

    ReadText read = new ImageReader(ImageReader.Limits.defaults(), new Tesseract()).read(SHIPPED_SCAN);

    assertThat(read.ocrConfidence()).isGreaterThan(0.85);
    assertThat(read.text()).contains(
        "Patient: WHITFIELD, Jordan A.",
        "2025-05-12 08:10",
        "Glucose, fasting 118 H mg/dL 70-99",
        "Creatinine 0.95 mg/dL 0.74-1.35",
        "eGFR (CKD-EPI 2021) 99 mL/min/1.73m2 >=60",
        "Potassium 4.4 mmol/L 3.5-5.1",
        "ALT (SGPT) 48 U/L 7-56",
        "Cholesterol, total 198 mg/dL <200",
        "Triglycerides 164 H mg/dL <150",
        "HDL cholesterol 41 mg/dL >=40",
        "LDL cholesterol (calculated) 124 H mg/dL <100",
        "Hemoglobin A1C 6.5 H % 4.0-5.6");
  }

  private static List<String> lines(String resource) throws Exception {
    return Files.readAllLines(resource(resource), StandardCharsets.UTF_8);
  }

  private static Path resource(String name) {
    try {
      return Path.of(SampleDocumentsTest.class.getResource(name).toURI());
    } catch (Exception e) {
      throw new IllegalStateException("missing resource " + name, e);
    }
  }
}
