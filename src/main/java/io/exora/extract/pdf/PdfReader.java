package io.exora.extract.pdf;

import io.exora.extract.PageText;
import io.exora.extract.ReadText;
import io.exora.extract.UnreadableDocument;
import io.exora.extract.ocr.OcrResult;
import io.exora.extract.ocr.Tesseract;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.io.MemoryUsageSetting;
import org.apache.pdfbox.io.RandomAccessReadBufferedFile;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.rendering.ImageType;
import org.apache.pdfbox.rendering.PDFRenderer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The text of a PDF, page by page: the text layer where there is one, OCR where a page is a scan.
 *
 * <p>Memory stays flat whatever the file's size: PDFBox reads the file through a buffered window
 * and caches decoded streams in temporary files, not the heap; pages are rendered for OCR one at a
 * time at a bounded pixel count and dropped after; images inside a page are subsampled to the
 * render resolution instead of decoded at full size.
 *
 * <p>Work is refused before it is spent: the page count is checked before any page is read, and
 * the number of pages needing OCR before any page is rendered.
 */
public final class PdfReader {

  public static final int DEFAULT_MAX_PAGES = 500;
  /** At a few seconds a page on one core, 100 pages is several minutes of OCR. */
  public static final int DEFAULT_MAX_OCR_PAGES = 100;
  /** Tesseract is most accurate on text of 20-30 pixels cap height: 10-12 pt type at 300 DPI. */
  public static final int DEFAULT_RENDER_DPI = 300;
  /** A 35 MP grey page is 35 MB of heap; US Letter at 300 DPI is 8.4 MP, A3 17.4 MP. */
  public static final long DEFAULT_MAX_RENDER_PIXELS = 35_000_000L;
  /** Characters drawn: a thousand dense pages; the clinical extractor reads nothing longer. */
  public static final int DEFAULT_MAX_TEXT_CHARS = 5_000_000;
  /**
   * A page that shows an image and has fewer visible characters in its text layer is taken for a
   * scan: a stamp or a page number added over a scanned image is not the page's text.
   */
  public static final int DEFAULT_MIN_TEXT_LAYER_CHARS = 20;

  /** The first bytes of a PDF may be preceded by junk; readers look for the header in the first KiB. */
  private static final int HEADER_WINDOW = 1024;

  private static final Logger log = LoggerFactory.getLogger(PdfReader.class);

  /**
   * @param maxPages a PDF with more pages is refused ({@code too_many_pages})
   * @param maxOcrPages a PDF with more scanned pages is refused ({@code too_many_scanned_pages})
   * @param renderDpi the resolution scanned pages are rendered at for OCR
   * @param maxRenderPixels a page that would render larger is rendered at a lower resolution
   * @param maxTextChars a PDF that draws more characters is refused ({@code text_too_long})
   * @param minTextLayerChars pages with fewer visible text-layer characters, over an image, are
   *     OCR'd
   */
  public record Limits(int maxPages, int maxOcrPages, int renderDpi, long maxRenderPixels,
      int maxTextChars, int minTextLayerChars) {
    public Limits {
      if (maxPages < 1 || maxOcrPages < 0 || renderDpi < 72 || renderDpi > 1200
          || maxRenderPixels < 1_000_000 || maxTextChars < 1 || minTextLayerChars < 0) {
        throw new IllegalArgumentException("invalid PDF limits: " + this);
      }
    }

    public static Limits defaults() {
      return new Limits(DEFAULT_MAX_PAGES, DEFAULT_MAX_OCR_PAGES, DEFAULT_RENDER_DPI,
          DEFAULT_MAX_RENDER_PIXELS, DEFAULT_MAX_TEXT_CHARS, DEFAULT_MIN_TEXT_LAYER_CHARS);
    }
  }

  private final Limits limits;
  private final Tesseract tesseract;

  public PdfReader(Limits limits, Tesseract tesseract) {
    this.limits = Objects.requireNonNull(limits, "limits");
    this.tesseract = Objects.requireNonNull(tesseract, "tesseract");
  }

  /**
   * Reads the PDF at {@code file}.
   *
   * @throws UnreadableDocument when the file is not a readable PDF, is password-protected, is over
   *     a limit, has no text at all, or OCR failed (see {@link UnreadableDocument#retryable()})
   * @throws IOException when the file cannot be opened or a temporary file cannot be written
   */
  public ReadText read(Path file) throws IOException, InterruptedException {
    requirePdfHeader(file);
    try (RandomAccessReadBufferedFile source = new RandomAccessReadBufferedFile(file);
        PDDocument doc = load(source)) {
      int pageCount = pageCount(doc);
      if (pageCount > limits.maxPages()) {
        throw new UnreadableDocument(UnreadableDocument.TOO_MANY_PAGES, "The PDF has " + pageCount
            + " pages; Exora reads PDFs of at most " + limits.maxPages() + " pages");
      }
      if (pageCount == 0) {
        throw new UnreadableDocument(UnreadableDocument.PDF_CORRUPT, "The PDF has no pages");
      }
      List<String> textLayer = textLayer(doc, pageCount);
      List<Integer> scanned = pagesToOcr(doc, textLayer);
      if (scanned.size() > limits.maxOcrPages()) {
        throw new UnreadableDocument(UnreadableDocument.TOO_MANY_SCANNED_PAGES, "The PDF has "
            + scanned.size() + " scanned pages; Exora reads at most " + limits.maxOcrPages()
            + " scanned pages per document");
      }

      List<PageText> pages = new ArrayList<>(pageCount);
      for (int i = 0; i < pageCount; i++) {
        pages.add(PageText.textLayer(i + 1, textLayer.get(i)));
      }
      PDFRenderer renderer = new PDFRenderer(doc);
      renderer.setSubsamplingAllowed(true);  // a 20,000-pixel scan inside a page is not decoded whole
      for (int index : scanned) {
        OcrResult ocr = ocrPage(doc, renderer, index);
        pages.set(index, PageText.ocr(index + 1, ocr.text(), ocr.confidence()));
      }

      ReadText read = ReadText.of(pages);
      if (read.isBlank()) {
        throw new UnreadableDocument(UnreadableDocument.NO_TEXT,
            "No text was found in the PDF, neither in its text layer nor by OCR");
      }
      return read;
    }
  }

  private static void requirePdfHeader(Path file) throws IOException {
    byte[] head;
    try (InputStream in = Files.newInputStream(file)) {
      head = in.readNBytes(HEADER_WINDOW);
    }
    if (!new String(head, StandardCharsets.ISO_8859_1).contains("%PDF-")) {
      throw new UnreadableDocument(UnreadableDocument.PDF_CORRUPT,
          "The file is not a PDF (it has no PDF header)");
    }
  }

  private static PDDocument load(RandomAccessReadBufferedFile source) {
    try {
      // An empty password opens PDFs that only restrict printing or copying (an owner password):
      // the document is readable, the restrictions are for viewers.
      return Loader.loadPDF(source, "", null, null, MemoryUsageSetting.setupTempFileOnly().streamCache);
    } catch (InvalidPasswordException e) {
      throw encrypted(e);
    } catch (IOException | RuntimeException e) {
      // Certificate-based encryption, or a security handler PDFBox lacks, fails to load without
      // a password exception, but it is still a locked document rather than a damaged one.
      String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
      throw message.contains("decrypt") || message.contains("security handler") ? encrypted(e) : corrupt(e);
    }
  }

  /** The declared count, from the page tree's root: no page is read. */
  private static int pageCount(PDDocument doc) {
    try {
      return doc.getNumberOfPages();
    } catch (RuntimeException e) {
      throw corrupt(e);
    }
  }

  private List<String> textLayer(PDDocument doc, int pageCount) {
    try {
      return new PageTextStripper(limits.maxTextChars()).pageTexts(doc, pageCount);
    } catch (UnreadableDocument e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw corrupt(e);
    }
  }

  /**
   * Zero-based indexes of the pages to OCR: those that draw something but have no text layer
   * (scans, or text drawn as outlines), and those with a scrap of text over an image (a scan
   * with a stamp or a page number added). A short page of real text keeps its text layer.
   */
  private List<Integer> pagesToOcr(PDDocument doc, List<String> textLayer) {
    List<Integer> scanned = new ArrayList<>();
    for (int i = 0; i < textLayer.size(); i++) {
      long visible = textLayer.get(i).codePoints().filter(c -> !Character.isWhitespace(c)).count();
      PDPage page = doc.getPage(i);
      if (!page.hasContents() || visible >= limits.minTextLayerChars()) {
        continue;
      }
      if (visible == 0 || PageImages.drawsAnImage(page)) {
        scanned.add(i);
      }
    }
    return scanned;
  }

  private OcrResult ocrPage(PDDocument doc, PDFRenderer renderer, int index)
      throws IOException, InterruptedException {
    PDPage page = doc.getPage(index);
    int dpi = renderDpi(page);
    BufferedImage image;
    try {
      image = renderer.renderImageWithDPI(index, dpi, ImageType.GRAY);
    } catch (IOException | RuntimeException e) {
      throw UnreadableDocument.permanent(UnreadableDocument.PDF_CORRUPT,
          "Page " + (index + 1) + " of the PDF could not be drawn for OCR: it is damaged", e);
    }
    log.debug("OCR of page {} rendered at {} DPI, {}x{}", index + 1, dpi, image.getWidth(), image.getHeight());
    return tesseract.read(image, dpi);
  }

  /** The configured DPI, lowered for a page so large that it would render past the pixel limit. */
  int renderDpi(PDPage page) {
    PDRectangle box = page.getCropBox();
    double widthInches = Math.max(1, box.getWidth()) / 72.0;
    double heightInches = Math.max(1, box.getHeight()) / 72.0;
    double fitting = Math.sqrt(limits.maxRenderPixels() / (widthInches * heightInches));
    return (int) Math.max(1, Math.min(limits.renderDpi(), Math.floor(fitting)));
  }

  private static UnreadableDocument encrypted(Exception e) {
    return UnreadableDocument.permanent(UnreadableDocument.PDF_ENCRYPTED,
        "The PDF is password-protected; upload a copy without a password", e);
  }

  /** The cause names the broken structure for the logs; the message is for the uploader. */
  private static UnreadableDocument corrupt(Exception e) {
    log.debug("unreadable PDF", e);
    return UnreadableDocument.permanent(UnreadableDocument.PDF_CORRUPT,
        "The PDF is damaged or truncated and cannot be read", e);
  }
}
