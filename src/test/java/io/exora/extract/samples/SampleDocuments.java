package io.exora.extract.samples;

import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.AffineTransformOp;
import java.awt.image.BufferedImage;
import java.awt.image.ConvolveOp;
import java.awt.image.Kernel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.GregorianCalendar;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.TimeZone;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSString;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.pdfbox.rendering.ImageType;
import org.apache.pdfbox.rendering.PDFRenderer;

/**
 * Makes the sample documents that {@code ./exora demo} uploads, from fixed-width report texts:
 *
 * <ul>
 *   <li>{@code lab-report.pdf}: {@code src/main/resources/samples/lab-report.txt} typeset as a
 *       laboratory's system prints it: Helvetica, a banner, tables with columns, two pages, and a
 *       real text layer;
 *   <li>{@code scanned-lab-report.png}: a one-page follow-up report
 *       ({@code src/test/resources/samples-source/scanned-lab-report.txt}) typeset the same way,
 *       then returned as a flatbed scanner would: 300 DPI grey, a little rotated, blurred, with
 *       paper tone and dust.
 * </ul>
 *
 * <p>Run from the repository root after editing a source text, and commit the files it writes:
 *
 * <pre>
 * ./mvnw -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/test-classes:target/classes:$(cat target/cp.txt) io.exora.extract.samples.SampleDocuments
 * </pre>
 *
 * <p>{@code SampleDocumentsTest} fails while the shipped PDF differs from what this makes.
 * The output is deterministic: fixed dates, document id and noise seed (the scan's pixels also
 * depend on the fonts installed, since PDFBox draws Helvetica with a system substitute).
 */
public final class SampleDocuments {

  public static final Path OUTPUT = Path.of("src/main/resources/samples");
  /** The typed report's text, which ships beside its PDF. */
  public static final Path LAB_REPORT_TEXT = OUTPUT.resolve("lab-report.txt");
  public static final Path SCANNED_REPORT_TEXT = Path.of("src/test/resources/samples-source/scanned-lab-report.txt");

  /** How the scan is degraded: enough to look scanned, little enough that OCR reads it well. */
  static final int SCAN_DPI = 300;
  static final double SCAN_ROTATION_DEGREES = 0.8;
  static final long NOISE_SEED = 20251219L;
  static final int SPECK_EVERY_PIXELS = 6000;

  private static final PDType1Font REGULAR = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
  private static final PDType1Font BOLD = new PDType1Font(Standard14Fonts.FontName.HELVETICA_BOLD);
  private static final PDType1Font ITALIC = new PDType1Font(Standard14Fonts.FontName.HELVETICA_OBLIQUE);

  private static final float PAGE_WIDTH = PDRectangle.LETTER.getWidth();
  private static final float PAGE_HEIGHT = PDRectangle.LETTER.getHeight();
  private static final float MARGIN = 42;
  private static final float BOTTOM = 54;
  private static final float LEADING = 11.5f;

  private static final Pattern TABLE_HEADER = Pattern.compile("(?i)test\\s+result\\b");
  private static final Pattern RUN = Pattern.compile("\\S+(?: \\S+)*");

  private SampleDocuments() {}

  public static void main(String[] args) throws IOException {
    Path out = args.length > 0 ? Path.of(args[0]) : OUTPUT;
    Files.createDirectories(out);
    Files.write(out.resolve("lab-report.pdf"), typedReportPdf(read(LAB_REPORT_TEXT)));
    Files.write(out.resolve("scanned-lab-report.png"), scannedReportPng(read(SCANNED_REPORT_TEXT)));
    System.out.println("wrote " + out.resolve("lab-report.pdf") + " and " + out.resolve("scanned-lab-report.png"));
  }

  private static List<String> read(Path file) throws IOException {
    return Files.readAllLines(file, StandardCharsets.UTF_8);
  }

  /** The report laid out as a typed PDF. */
  public static byte[] typedReportPdf(List<String> lines) throws IOException {
    try (PDDocument doc = layOut(lines)) {
      return save(doc);
    }
  }

  /** The report printed, then "scanned": a grayscale PNG. */
  public static byte[] scannedReportPng(List<String> lines) throws IOException {
    BufferedImage page;
    try (PDDocument doc = layOut(lines)) {
      if (doc.getNumberOfPages() != 1) {
        throw new IllegalArgumentException("the scanned report must fit on one page");
      }
      page = new PDFRenderer(doc).renderImageWithDPI(0, SCAN_DPI, ImageType.GRAY);
    }
    return pngWithDpi(degrade(page, new Random(NOISE_SEED)), SCAN_DPI);
  }

  /** A PNG that records its resolution (pHYs), as a scanner's does, so OCR need not guess it. */
  public static byte[] pngWithDpi(BufferedImage image, int dpi) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
    try {
      ImageWriteParam param = writer.getDefaultWriteParam();
      IIOMetadata metadata =
          writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(image), param);
      String pixelsPerMeter = Integer.toString((int) Math.round(dpi / 0.0254));
      IIOMetadataNode physical = new IIOMetadataNode("pHYs");
      physical.setAttribute("pixelsPerUnitXAxis", pixelsPerMeter);
      physical.setAttribute("pixelsPerUnitYAxis", pixelsPerMeter);
      physical.setAttribute("unitSpecifier", "meter");
      IIOMetadataNode root = new IIOMetadataNode("javax_imageio_png_1.0");
      root.appendChild(physical);
      metadata.mergeTree("javax_imageio_png_1.0", root);
      ByteArrayOutputStream png = new ByteArrayOutputStream();
      try (ImageOutputStream out = ImageIO.createImageOutputStream(png)) {
        writer.setOutput(out);
        writer.write(null, new IIOImage(image, null, metadata), param);
      }
      return png.toByteArray();
    } finally {
      writer.dispose();
    }
  }

  // ---- the typed layout ----

  /**
   * Typesets a fixed-width report in Helvetica, keeping its columns: each run of words starts at
   * its character column (numbers in a table's result column end at theirs), so tables stay
   * tables. Rules of '=' and '-' become lines, the banner between the first two '=' rules is
   * centred, a title between two '-' rules gets a grey bar, a table header is bold and underlined.
   */
  private static PDDocument layOut(List<String> lines) throws IOException {
    PDDocument doc = new PDDocument();
    int width = Math.max(80, lines.stream().mapToInt(String::length).max().orElse(80));
    Layout layout = new Layout(doc, runningTitle(lines), (PAGE_WIDTH - 2 * MARGIN) / width);
    int bannerRules = 0;
    boolean bannerTitleDone = false;
    int[] table = null;  // the current table's column starts, from its header
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      boolean inBanner = bannerRules == 1;
      if (line.isBlank()) {
        table = null;
        layout.gap(LEADING * 0.6f);
      } else if (isRule(line, '=')) {
        bannerRules++;
        layout.rule(1f);
      } else if (isRule(line, '-') && i + 2 < lines.size() && isRule(lines.get(i + 2), '-')) {
        layout.sectionTitle(lines.get(i + 1).strip());
        i += 2;
      } else if (isRule(line, '-')) {
        layout.rule(0.5f);
      } else if (inBanner) {
        layout.centered(line.strip(), bannerTitleDone ? REGULAR : BOLD, bannerTitleDone ? 8 : 14);
        bannerTitleDone = true;
      } else if (TABLE_HEADER.matcher(line).lookingAt()) {
        table = columnsOf(line);
        layout.tableHeader(line);
      } else if (table != null) {
        layout.tableRow(line, table);
      } else if (line.startsWith(" ".repeat(20)) && runs(line).size() == 1) {
        layout.centered(line.strip(), BOLD, 11);
      } else {
        layout.columns(line, bannerRules == 0 ? ITALIC : REGULAR, bannerRules == 0 ? 7.5f : 8.5f);
      }
    }
    layout.finish();
    return doc;
  }

  private static boolean isRule(String line, char c) {
    String s = line.strip();
    return s.length() >= 10 && s.chars().allMatch(ch -> ch == c);
  }

  /** "Lab - patient - MRN", from the banner's first line and the Patient and MRN fields. */
  private static String runningTitle(List<String> lines) {
    String lab = "";
    for (int i = 0; i + 1 < lines.size(); i++) {
      if (isRule(lines.get(i), '=')) {
        lab = lines.get(i + 1).strip();
        break;
      }
    }
    return String.join("  -  ", lab, field(lines, "Patient:"), "MRN " + field(lines, "MRN:"));
  }

  private static String field(List<String> lines, String label) {
    Pattern value = Pattern.compile(Pattern.quote(label) + "\\s+(\\S+(?: \\S+)*)");
    for (String line : lines) {
      Matcher m = value.matcher(line);
      if (m.find()) {
        return m.group(1);
      }
    }
    return "";
  }

  /** The character offsets where the header's columns start: test, result, flag, units, range. */
  private static int[] columnsOf(String header) {
    String upper = header.toUpperCase(Locale.ROOT);
    return new int[] {0, upper.indexOf("RESULT"), upper.indexOf("FLAG"), upper.indexOf("UNITS"),
        upper.indexOf("REFERENCE")};
  }

  /** A run of words: text separated from the next run by two spaces or more. */
  record Run(int start, int end, String text) {}

  static List<Run> runs(String line) {
    List<Run> runs = new ArrayList<>();
    Matcher m = RUN.matcher(line);
    while (m.find()) {
      runs.add(new Run(m.start(), m.end(), m.group()));
    }
    return runs;
  }

  /** Writes lines down the page, starting a new page (with a running header) when one is full. */
  private static final class Layout {
    private final PDDocument doc;
    private final String runningTitle;
    private final float pitch;
    private final List<PDPage> pages = new ArrayList<>();
    private PDPageContentStream content;
    private float y;
    private String tableHeader;

    Layout(PDDocument doc, String runningTitle, float pitch) throws IOException {
      this.doc = doc;
      this.runningTitle = runningTitle;
      this.pitch = pitch;
      newPage();
    }

    private void newPage() throws IOException {
      if (content != null) {
        content.close();
      }
      PDPage page = new PDPage(PDRectangle.LETTER);
      doc.addPage(page);
      pages.add(page);
      content = new PDPageContentStream(doc, page);
      y = PAGE_HEIGHT - MARGIN;
      if (pages.size() > 1) {
        y -= LEADING;
        show(MARGIN, y, runningTitle + "  (continued)", BOLD, 8);
        rule(0.5f);
        gap(LEADING * 0.5f);
      }
    }

    private void nextLine(float leading) throws IOException {
      if (y - leading < BOTTOM) {
        newPage();
        if (tableHeader != null) {
          tableHeader(tableHeader);
        }
      }
      y -= leading;
    }

    void gap(float height) {
      tableHeader = null;
      y -= height;
    }

    private void show(float x, float baseline, String s, PDType1Font font, float size) throws IOException {
      content.beginText();
      content.setFont(font, size);
      content.newLineAtOffset(x, baseline);
      content.showText(s);
      content.endText();
    }

    private static float width(String s, PDType1Font font, float size) throws IOException {
      return font.getStringWidth(s) / 1000 * size;
    }

    void rule(float lineWidth) throws IOException {
      y -= 4;
      content.setLineWidth(lineWidth);
      content.moveTo(MARGIN, y);
      content.lineTo(PAGE_WIDTH - MARGIN, y);
      content.stroke();
      y -= 2;
    }

    void centered(String s, PDType1Font font, float size) throws IOException {
      nextLine(Math.max(LEADING, size * 1.3f));
      show((PAGE_WIDTH - width(s, font, size)) / 2, y, s, font, size);
    }

    void sectionTitle(String title) throws IOException {
      if (y - LEADING * 6 < BOTTOM) {
        newPage();  // never a title alone at the foot of a page
      }
      nextLine(LEADING * 1.4f);
      content.setNonStrokingColor(0.88f);
      content.addRect(MARGIN, y - 3.5f, PAGE_WIDTH - 2 * MARGIN, LEADING + 1);
      content.fill();
      content.setNonStrokingColor(0f);
      show(MARGIN + 3, y, title, BOLD, 9.5f);
      y -= 3;
    }

    /** Each run at its column; labels ("Patient:") in bold; a run never overlaps the one before. */
    void columns(String line, PDType1Font font, float size) throws IOException {
      nextLine(LEADING);
      float end = 0;
      for (Run run : runs(line)) {
        PDType1Font runFont = font == REGULAR && run.text().endsWith(":") ? BOLD : font;
        float x = Math.max(MARGIN + run.start() * pitch, end + width("  ", runFont, size));
        show(x, y, run.text(), runFont, size);
        end = x + width(run.text(), runFont, size);
      }
    }

    void tableHeader(String line) throws IOException {
      columns(line, BOLD, 8);
      tableHeader = line;
      content.setLineWidth(0.4f);
      content.moveTo(MARGIN, y - 3);
      content.lineTo(PAGE_WIDTH - MARGIN, y - 3);
      content.stroke();
      y -= 2;
    }

    /** Like {@link #columns}, with results right-aligned where the text aligns them, flags bold. */
    void tableRow(String line, int[] table) throws IOException {
      nextLine(LEADING);
      float end = 0;
      for (Run run : runs(line)) {
        boolean result = run.start() > table[0] && run.end() <= table[2];
        boolean flag = run.start() >= table[2] && run.end() <= table[3];
        PDType1Font font = flag ? BOLD : REGULAR;
        float w = width(run.text(), font, 9);
        float x = MARGIN + run.start() * pitch;
        if (result) {
          x = MARGIN + run.end() * pitch - w;
        } else if (flag) {
          x = MARGIN + (table[2] + "FLAG".length() / 2f) * pitch - w / 2;  // centred under FLAG
        }
        x = Math.max(x, end + width("  ", font, 9));
        show(x, y, run.text(), font, 9);
        end = x + w;
      }
    }

    /** Closes the last page and numbers every page "Page n of m". */
    void finish() throws IOException {
      content.close();
      for (int p = 0; p < pages.size(); p++) {
        try (PDPageContentStream footer =
            new PDPageContentStream(doc, pages.get(p), PDPageContentStream.AppendMode.APPEND, true)) {
          footer.beginText();
          footer.setFont(REGULAR, 7.5f);
          footer.newLineAtOffset(MARGIN, 32);
          footer.showText(runningTitle + "  -  Page " + (p + 1) + " of " + pages.size());
          footer.endText();
        }
      }
    }
  }

  private static byte[] save(PDDocument doc) throws IOException {
    // Fixed metadata and id, so that running the generator again gives the same bytes.
    Calendar created = new GregorianCalendar(TimeZone.getTimeZone("UTC"));
    created.clear();
    created.set(2025, Calendar.FEBRUARY, 10, 14, 31, 0);
    PDDocumentInformation info = doc.getDocumentInformation();
    info.setTitle("Laboratory report");
    info.setAuthor("Northfield Clinical Laboratories (fictional sample)");
    info.setCreator("Exora SampleDocuments");
    info.setCreationDate(created);
    COSString id = new COSString("exora-sample-lab-report".getBytes(StandardCharsets.US_ASCII));
    COSArray ids = new COSArray();
    ids.add(id);
    ids.add(id);
    doc.getDocument().getTrailer().setItem(COSName.ID, ids);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    doc.save(out);
    return out.toByteArray();
  }

  // ---- the scan ----

  /**
   * A page as a scanner returns it: tilted, softened by the optics, on slightly grey paper with
   * dust and toner specks. The noise is sparse rather than per pixel, which would make the PNG
   * several megabytes without making it look more like a scan.
   */
  static BufferedImage degrade(BufferedImage page, Random random) {
    int w = page.getWidth();
    int h = page.getHeight();
    BufferedImage tilted = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    var g = tilted.createGraphics();
    g.setColor(java.awt.Color.WHITE);
    g.fillRect(0, 0, w, h);
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(page, new AffineTransformOp(
        AffineTransform.getRotateInstance(Math.toRadians(SCAN_ROTATION_DEGREES), w / 2.0, h / 2.0),
        AffineTransformOp.TYPE_BILINEAR), 0, 0);
    g.dispose();

    float[] blur = {1 / 16f, 2 / 16f, 1 / 16f, 2 / 16f, 4 / 16f, 2 / 16f, 1 / 16f, 2 / 16f, 1 / 16f};
    BufferedImage soft = new ConvolveOp(new Kernel(3, 3, blur), ConvolveOp.EDGE_NO_OP, null).filter(tilted, null);

    var raster = soft.getRaster();
    int[] row = new int[w];
    for (int y = 0; y < h; y++) {
      raster.getSamples(0, y, w, 1, 0, row);
      // Paper tone: a little grey, darker towards one edge, as a lid that does not quite close.
      int tone = 14 + (int) (10.0 * y / h);
      for (int x = 0; x < w; x++) {
        row[x] = Math.max(0, row[x] * (255 - tone) / 255);
      }
      raster.setSamples(0, y, w, 1, 0, row);
    }
    int specks = w * h / SPECK_EVERY_PIXELS;
    for (int i = 0; i < specks; i++) {
      int x = random.nextInt(w - 2);
      int y = random.nextInt(h - 2);
      int grey = 120 + random.nextInt(100);
      int size = random.nextInt(8) == 0 ? 2 : 1;
      for (int dy = 0; dy < size; dy++) {
        for (int dx = 0; dx < size; dx++) {
          raster.setSample(x + dx, y + dy, 0, Math.min(raster.getSample(x + dx, y + dy, 0), grey));
        }
      }
    }
    return soft;
  }
}
