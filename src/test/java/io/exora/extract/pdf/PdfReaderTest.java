package io.exora.extract.pdf;

import static io.exora.extract.pdf.PdfFixtures.document;
import static io.exora.extract.pdf.PdfFixtures.scanned;
import static io.exora.extract.pdf.PdfFixtures.typed;
import static io.exora.extract.pdf.PdfFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.exora.extract.PageText;
import io.exora.extract.ReadText;
import io.exora.extract.UnreadableDocument;
import io.exora.extract.ocr.Tesseract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PdfReaderTest {

  @TempDir Path dir;

  private final PdfReader reader = new PdfReader(PdfReader.Limits.defaults(), new Tesseract());

  /** A reader whose OCR cannot run: proves that a test's path never reaches OCR. */
  private static PdfReader withoutOcr(PdfReader.Limits limits) {
    return new PdfReader(limits, new Tesseract(new Tesseract.Config(
        "/nonexistent/tesseract", "eng", Duration.ofSeconds(5))));
  }

  @Test
  void readsTheTextLayerExactlyPageByPage() throws Exception {
    Path pdf = write(dir, "typed.pdf", document(
        typed("Hemoglobin 13.2 g/dL 12.0 - 15.5", "Platelets 250 K/uL 150 - 400"),
        typed("Glucose 98 mg/dL 70 - 99")));

    ReadText read = withoutOcr(PdfReader.Limits.defaults()).read(pdf);

    assertThat(read.pageCount()).isEqualTo(2);
    assertThat(read.pages()).containsExactly(
        PageText.textLayer(1, "Hemoglobin 13.2 g/dL 12.0 - 15.5\nPlatelets 250 K/uL 150 - 400"),
        PageText.textLayer(2, "Glucose 98 mg/dL 70 - 99"));
    assertThat(read.text()).isEqualTo(
        "Hemoglobin 13.2 g/dL 12.0 - 15.5\nPlatelets 250 K/uL 150 - 400"
            + ReadText.PAGE_BREAK + "Glucose 98 mg/dL 70 - 99");
    assertThat(read.ocrConfidence()).isNull();
  }

  @Test
  void ocrsAPageThatIsOnlyAnImage() throws Exception {
    Path pdf = write(dir, "scan.pdf", document(
        scanned("Hemoglobin 11.6 g/dL (12.0 - 15.5)", "LDL cholesterol 156 mg/dL")));

    ReadText read = reader.read(pdf);

    PageText page = read.pages().get(0);
    assertThat(page.source()).isEqualTo(PageText.Source.OCR);
    assertThat(page.text()).contains("Hemoglobin 11.6 g/dL (12.0 - 15.5)").contains("LDL cholesterol 156 mg/dL");
    assertThat(page.confidence()).isBetween(0.85, 1.0);
    assertThat(read.ocrConfidence()).isCloseTo(page.confidence(), within(1e-9));
  }

  @Test
  void readsAMixedPdfByTextLayerAndOcrPageByPage() throws Exception {
    Path pdf = write(dir, "mixed.pdf", document(
        typed("Discharge summary for a fictional patient, typed page one"),
        scanned("Sodium 139 mmol/L", "Potassium 4.3 mmol/L"),
        typed("Follow up with the primary care physician in two weeks")));

    ReadText read = reader.read(pdf);

    assertThat(read.pages()).extracting(PageText::source).containsExactly(
        PageText.Source.TEXT_LAYER, PageText.Source.OCR, PageText.Source.TEXT_LAYER);
    assertThat(read.pages().get(0).text()).isEqualTo("Discharge summary for a fictional patient, typed page one");
    assertThat(read.pages().get(1).text()).contains("Sodium 139 mmol/L").contains("Potassium 4.3 mmol/L");
    assertThat(read.ocrConfidence()).isCloseTo(read.pages().get(1).confidence(), within(1e-9));
    assertThat(read.text().split(ReadText.PAGE_BREAK)).hasSize(3);
  }

  @Test
  void ocrsAScanThatCarriesAStampInItsTextLayer() throws Exception {
    Path pdf = write(dir, "stamped.pdf", document(
        new PdfFixtures.StampedScan("RECEIVED", List.of("Ferritin 42 ng/mL (15 - 150)"))));

    ReadText read = reader.read(pdf);

    assertThat(read.pages().get(0).source()).isEqualTo(PageText.Source.OCR);
    assertThat(read.text()).contains("Ferritin 42 ng/mL (15 - 150)");
  }

  @Test
  void keepsTheTextLayerOfAShortTypedPage() throws Exception {
    Path pdf = write(dir, "short.pdf", document(typed("K 4.3")));

    ReadText read = withoutOcr(PdfReader.Limits.defaults()).read(pdf);

    assertThat(read.pages()).containsExactly(PageText.textLayer(1, "K 4.3"));
  }

  @Test
  void refusesAPasswordProtectedPdf() throws Exception {
    Path pdf = write(dir, "locked.pdf", PdfFixtures.encrypted(document(typed("secret results")), "user-secret"));

    assertUnreadable(() -> reader.read(pdf), UnreadableDocument.PDF_ENCRYPTED);
  }

  @Test
  void readsAPdfThatOnlyHasAnOwnerPassword() throws Exception {
    // Opens without a password; "no copying" is advice to viewers, and the uploader owns the file.
    Path pdf = write(dir, "restricted.pdf", PdfFixtures.encrypted(document(typed("Creatinine 0.86 mg/dL")), ""));

    ReadText read = withoutOcr(PdfReader.Limits.defaults()).read(pdf);

    assertThat(read.text()).isEqualTo("Creatinine 0.86 mg/dL");
  }

  @Test
  void refusesACorruptPdf() throws Exception {
    byte[] junk = new byte[20_000];
    new java.util.Random(7).nextBytes(junk);
    Path pdf = dir.resolve("corrupt.pdf");
    Files.write(pdf, concat("%PDF-1.7\n".getBytes(), junk));

    assertUnreadable(() -> reader.read(pdf), UnreadableDocument.PDF_CORRUPT);
  }

  @Test
  void refusesATruncatedPdf() throws Exception {
    byte[] whole = PdfFixtures.bytes(document(typed("Albumin 4.2 g/dL"), typed("Calcium 9.4 mg/dL")));
    Path pdf = dir.resolve("truncated.pdf");
    Files.write(pdf, Arrays.copyOf(whole, whole.length / 3));

    assertUnreadable(() -> reader.read(pdf), UnreadableDocument.PDF_CORRUPT);
  }

  @Test
  void refusesAnExecutableRenamedPdf() throws Exception {
    byte[] elf = new byte[4096];
    System.arraycopy(new byte[] {0x7F, 'E', 'L', 'F', 2, 1, 1, 0}, 0, elf, 0, 8);
    Path pdf = dir.resolve("invoice.pdf");
    Files.write(pdf, elf);

    UnreadableDocument e = assertUnreadable(() -> reader.read(pdf), UnreadableDocument.PDF_CORRUPT);
    assertThat(e).hasMessageContaining("not a PDF");
  }

  @Test
  void refusesAPdfOfTenThousandPagesByItsPageCount() throws Exception {
    Path pdf = dir.resolve("huge.pdf");
    PdfFixtures.blankPages(pdf, 10_000);

    UnreadableDocument e = assertUnreadable(
        () -> withoutOcr(PdfReader.Limits.defaults()).read(pdf), UnreadableDocument.TOO_MANY_PAGES);

    assertThat(e).hasMessageContaining("10000 pages").hasMessageContaining("at most 500");
  }

  @Test
  void refusesTooManyScannedPagesBeforeRenderingAny() throws Exception {
    Path pdf = write(dir, "scans.pdf", document(scanned("page one"), scanned("page two")));
    PdfReader.Limits oneOcrPage = new PdfReader.Limits(500, 1, 300, 35_000_000L, 5_000_000, 20);

    assertUnreadable(() -> withoutOcr(oneOcrPage).read(pdf), UnreadableDocument.TOO_MANY_SCANNED_PAGES);
  }

  @Test
  void refusesAPdfWithMoreTextThanTheLimit() throws Exception {
    Path pdf = write(dir, "long.pdf", document(typed("x".repeat(60)), typed("y".repeat(60))));
    PdfReader.Limits hundredChars = new PdfReader.Limits(500, 100, 300, 35_000_000L, 100, 20);

    assertUnreadable(() -> withoutOcr(hundredChars).read(pdf), UnreadableDocument.TEXT_TOO_LONG);
  }

  @Test
  void aPdfOfBlankPagesHasNoText() throws Exception {
    Path pdf = write(dir, "blank.pdf", document(new PdfFixtures.Blank(), new PdfFixtures.Blank()));

    // Pages that draw nothing are not OCR'd (the reader has no OCR here).
    assertUnreadable(() -> withoutOcr(PdfReader.Limits.defaults()).read(pdf), UnreadableDocument.NO_TEXT);
  }

  @Test
  void aScannedPageWithoutOcrIsARetryableFailure() throws Exception {
    Path pdf = write(dir, "scan.pdf", document(scanned("Sodium 139 mmol/L")));

    UnreadableDocument e = assertUnreadable(
        () -> withoutOcr(PdfReader.Limits.defaults()).read(pdf), UnreadableDocument.OCR_UNAVAILABLE);
    assertThat(e.retryable()).isTrue();
  }

  @Test
  void rendersAnOversizedPageAtALowerResolution() {
    PdfReader pdfReader = new PdfReader(PdfReader.Limits.defaults(), new Tesseract());

    assertThat(pdfReader.renderDpi(new PDPage(PDRectangle.LETTER))).isEqualTo(300);
    PDPage poster = new PDPage(new PDRectangle(72 * 100, 72 * 100));  // 100 x 100 inches
    int dpi = pdfReader.renderDpi(poster);
    assertThat((long) (100 * dpi) * (100 * dpi)).isLessThanOrEqualTo(PdfReader.DEFAULT_MAX_RENDER_PIXELS);
    assertThat(dpi).isEqualTo(59);
  }

  @Test
  void aMissingFileIsAnIoErrorNotABadDocument() {
    assertThatThrownBy(() -> reader.read(dir.resolve("missing.pdf"))).isInstanceOf(java.nio.file.NoSuchFileException.class);
  }

  static UnreadableDocument assertUnreadable(ThrowingCallable read, String code) {
    Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(read);
    assertThat(thrown).isInstanceOf(UnreadableDocument.class);
    UnreadableDocument e = (UnreadableDocument) thrown;
    assertThat(e.code()).as("code of: %s", e).isEqualTo(code);
    assertThat(e.getMessage()).isNotBlank();
    return e;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
