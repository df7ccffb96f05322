package io.exora.extract.ocr;

import static io.exora.extract.ocr.ImageFixtures.text;
import static io.exora.extract.ocr.ImageFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.exora.extract.PageText;
import io.exora.extract.ReadText;
import io.exora.extract.UnreadableDocument;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageReaderTest {

  @TempDir Path dir;

  private final ImageReader reader = new ImageReader(ImageReader.Limits.defaults(), new Tesseract());

  /** A reader whose OCR cannot run: proves that a refusal comes before any OCR. */
  private static final ImageReader WITHOUT_OCR = new ImageReader(ImageReader.Limits.defaults(),
      new Tesseract(new Tesseract.Config("/nonexistent/tesseract", "eng", Duration.ofSeconds(5))));

  @Test
  void ocrsAPng() throws Exception {
    Path png = write(dir, "result.png", "png", text("Hemoglobin 11.6 g/dL (12.0 - 15.5)", "Platelets 262 K/uL"));

    ReadText read = reader.read(png);

    assertThat(read.pageCount()).isEqualTo(1);
    assertThat(read.text()).isEqualTo("Hemoglobin 11.6 g/dL (12.0 - 15.5)\nPlatelets 262 K/uL");
    PageText page = read.pages().get(0);
    assertThat(page.source()).isEqualTo(PageText.Source.OCR);
    assertThat(page.confidence()).isBetween(0.85, 1.0);
    assertThat(read.ocrConfidence()).isEqualTo(page.confidence());
  }

  @Test
  void ocrsAJpeg() throws Exception {
    Path jpeg = write(dir, "photo.jpg", "jpeg", text("Sodium 139 mmol/L (136 - 145)"));

    ReadText read = reader.read(jpeg);

    assertThat(read.text()).isEqualTo("Sodium 139 mmol/L (136 - 145)");
    assertThat(read.ocrConfidence()).isBetween(0.85, 1.0);
  }

  @Test
  void ocrsEachPageOfAMultiPageTiff() throws Exception {
    Path tiff = ImageFixtures.tiff(dir, "fax.tif",
        text("Page one: Creatinine 0.86 mg/dL"), text("Page two: Potassium 4.3 mmol/L"));

    ReadText read = reader.read(tiff);

    assertThat(read.pageCount()).isEqualTo(2);
    assertThat(read.pages()).extracting(PageText::pageNumber).containsExactly(1, 2);
    assertThat(read.pages().get(0).text()).isEqualTo("Page one: Creatinine 0.86 mg/dL");
    assertThat(read.pages().get(1).text()).isEqualTo("Page two: Potassium 4.3 mmol/L");
    assertThat(read.text()).isEqualTo(
        "Page one: Creatinine 0.86 mg/dL" + ReadText.PAGE_BREAK + "Page two: Potassium 4.3 mmol/L");
  }

  @Test
  void flattensATransparentPngOntoWhite() throws Exception {
    // Black text on a fully transparent background: the hidden colour under transparency is black,
    // so without flattening, OCR would see black on black.
    BufferedImage image = new BufferedImage(1600, 300, BufferedImage.TYPE_INT_ARGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 50));
    g.drawString("Albumin 4.2 g/dL (3.5 - 5.0)", 100, 170);
    g.dispose();
    Path png = write(dir, "transparent.png", "png", image);

    assertThat(reader.read(png).text()).isEqualTo("Albumin 4.2 g/dL (3.5 - 5.0)");
  }

  @Test
  void subsamplesALargeTiffPageBeforeDecodingIt() throws Exception {
    // Records the size of the image it is given, as the PGM header says it, and finds no words.
    Path header = dir.resolve("header");
    Path recording = dir.resolve("recording-tesseract");
    Files.writeString(recording, "#!/bin/sh\nhead -c 16 \"$1\" > '" + header + "'\n");
    Files.setPosixFilePermissions(recording, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    ImageReader smallDecodes = new ImageReader(new ImageReader.Limits(40_000_000L, 12_000, 100, 1_000_000L),
        new Tesseract(new Tesseract.Config(recording.toString(), "eng", Duration.ofSeconds(5))));
    Path tiff = ImageFixtures.tiff(dir, "large.tif", new BufferedImage(2000, 2500, BufferedImage.TYPE_BYTE_GRAY));

    assertUnreadable(() -> smallDecodes.read(tiff), UnreadableDocument.NO_TEXT);

    // 5 MP to at most 1 MP: every third pixel of every third line.
    assertThat(Files.readString(header)).startsWith("P5\n667 834\n");
  }

  @Test
  void refusesAThirtyThousandPixelSquarePngFromItsHeader() throws Exception {
    Path png = ImageFixtures.hugePng(dir.resolve("bomb.png"), 30_000, 30_000);
    assertThat(Files.size(png)).isLessThan(1_000_000);

    // Decoded, it would need 900 megapixels (3.6 GB as ARGB): refusing it must not decode it.
    UnreadableDocument e = assertUnreadable(() -> WITHOUT_OCR.read(png), UnreadableDocument.IMAGE_TOO_LARGE);

    assertThat(e).hasMessageContaining("30000 x 30000");
  }

  @Test
  void refusesAnImageWithAnOverlongSide() throws Exception {
    Path png = ImageFixtures.hugePng(dir.resolve("strip.png"), 13_000, 100);  // 1.3 MP, but 13,000 wide

    assertUnreadable(() -> WITHOUT_OCR.read(png), UnreadableDocument.IMAGE_TOO_LARGE);
  }

  @Test
  void refusesATiffWithTooManyPages() throws Exception {
    BufferedImage blank = new BufferedImage(10, 10, BufferedImage.TYPE_BYTE_GRAY);
    Path tiff = ImageFixtures.tiff(dir, "long.tif", blank, blank, blank);
    ImageReader twoPages = new ImageReader(new ImageReader.Limits(40_000_000L, 12_000, 2, 16_000_000L),
        new Tesseract(new Tesseract.Config("/nonexistent/tesseract", "eng", Duration.ofSeconds(5))));

    assertUnreadable(() -> twoPages.read(tiff), UnreadableDocument.TOO_MANY_PAGES);
  }

  @Test
  void refusesATruncatedPng() throws Exception {
    byte[] whole = Files.readAllBytes(write(dir, "whole.png", "png", text("Calcium 9.4 mg/dL")));
    Path png = dir.resolve("truncated.png");
    Files.write(png, Arrays.copyOf(whole, whole.length / 2));

    assertUnreadable(() -> reader.read(png), UnreadableDocument.IMAGE_CORRUPT);
  }

  @Test
  void refusesATruncatedTiff() throws Exception {
    byte[] whole = Files.readAllBytes(ImageFixtures.tiff(dir, "whole.tif", text("Calcium 9.4 mg/dL")));
    Path tiff = dir.resolve("truncated.tif");
    Files.write(tiff, Arrays.copyOf(whole, 12));

    assertUnreadable(() -> WITHOUT_OCR.read(tiff), UnreadableDocument.IMAGE_CORRUPT);
  }

  @Test
  void refusesImageFormatsOtherThanPngJpegAndTiff() throws Exception {
    Path gif = write(dir, "scan.gif", "gif", text("Calcium 9.4 mg/dL"));
    Path bmp = write(dir, "scan.bmp", "bmp", text("Calcium 9.4 mg/dL"));

    assertThat(assertUnreadable(() -> WITHOUT_OCR.read(gif), UnreadableDocument.UNSUPPORTED_IMAGE))
        .hasMessageContaining("GIF");
    assertUnreadable(() -> WITHOUT_OCR.read(bmp), UnreadableDocument.UNSUPPORTED_IMAGE);
  }

  @Test
  void refusesAFileThatIsNoImage() throws Exception {
    Path exe = dir.resolve("scan.png");
    Files.write(exe, new byte[] {'M', 'Z', (byte) 0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, (byte) 0xFF, (byte) 0xFF});

    assertUnreadable(() -> WITHOUT_OCR.read(exe), UnreadableDocument.UNSUPPORTED_IMAGE);
  }

  @Test
  void aBlankImageHasNoText() throws Exception {
    Path png = write(dir, "blank.png", "png", text());

    assertUnreadable(() -> reader.read(png), UnreadableDocument.NO_TEXT);
  }

  @Test
  void withoutTesseractAnImageIsARetryableFailure() throws Exception {
    Path png = write(dir, "result.png", "png", text("Sodium 139 mmol/L"));

    assertThat(assertUnreadable(() -> WITHOUT_OCR.read(png), UnreadableDocument.OCR_UNAVAILABLE).retryable()).isTrue();
  }

  static UnreadableDocument assertUnreadable(ThrowingCallable read, String code) {
    Throwable thrown = catchThrowable(read);
    assertThat(thrown).isInstanceOf(UnreadableDocument.class);
    UnreadableDocument e = (UnreadableDocument) thrown;
    assertThat(e.code()).as("code of: %s", e).isEqualTo(code);
    assertThat(e.getMessage()).isNotBlank();
    return e;
  }
}
