package io.exora.extract.pdf;

import io.exora.extract.TextImages;
import java.awt.image.BufferedImage;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.encryption.AccessPermission;
import org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.pdfbox.pdmodel.graphics.image.LosslessFactory;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;

/**
 * PDFs made in code for the reader's tests: typed pages, scanned pages, and broken files. Public
 * only for {@link #blankPages}, which the HTTP tests upload (io.exora.api.DocumentsApiTest).
 */
public final class PdfFixtures {

  private static final PDType1Font HELVETICA = new PDType1Font(Standard14Fonts.FontName.HELVETICA);

  private PdfFixtures() {}

  /** A page: either lines of typed text (a text layer) or a scan of lines (an image, no text). */
  sealed interface Page permits Typed, Scanned, StampedScan, Blank {}

  record Typed(List<String> lines) implements Page {}

  record Scanned(List<String> lines) implements Page {}

  /** A scan with a few words of text layer over it, as a document system's "RECEIVED" stamp. */
  record StampedScan(String stamp, List<String> lines) implements Page {}

  record Blank() implements Page {}

  static Typed typed(String... lines) {
    return new Typed(List.of(lines));
  }

  static Scanned scanned(String... lines) {
    return new Scanned(List.of(lines));
  }

  static PDDocument document(Page... pages) throws IOException {
    PDDocument doc = new PDDocument();
    for (Page page : pages) {
      PDPage pdPage = new PDPage(PDRectangle.LETTER);
      doc.addPage(pdPage);
      switch (page) {
        case Typed t -> {
          try (PDPageContentStream content = new PDPageContentStream(doc, pdPage)) {
            content.beginText();
            content.setFont(HELVETICA, 11);
            content.setLeading(15);
            content.newLineAtOffset(72, 720);
            for (String line : t.lines()) {
              content.showText(line);
              content.newLine();
            }
            content.endText();
          }
        }
        case Scanned s -> drawScan(doc, pdPage, s.lines(), null);
        case StampedScan s -> drawScan(doc, pdPage, s.lines(), s.stamp());
        case Blank b -> {}
      }
    }
    return doc;
  }

  private static void drawScan(PDDocument doc, PDPage page, List<String> lines, String stamp)
      throws IOException {
    BufferedImage scan = TextImages.page(lines, BufferedImage.TYPE_BYTE_GRAY);
    PDImageXObject image = LosslessFactory.createFromImage(doc, scan);
    float width = scan.getWidth() * 72f / TextImages.DPI;
    float height = scan.getHeight() * 72f / TextImages.DPI;
    try (PDPageContentStream content = new PDPageContentStream(doc, page)) {
      content.drawImage(image, 36, 756 - height, width, height);
      if (stamp != null) {
        content.beginText();
        content.setFont(HELVETICA, 9);
        content.newLineAtOffset(450, 40);
        content.showText(stamp);
        content.endText();
      }
    }
  }

  static Path write(Path dir, String name, PDDocument doc) throws IOException {
    Path file = dir.resolve(name);
    try (doc) {
      doc.save(file.toFile());
    }
    return file;
  }

  static byte[] bytes(PDDocument doc) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (doc) {
      doc.save(out);
    }
    return out.toByteArray();
  }

  /** Protected with a user password (needed to open it) and an owner password. */
  static PDDocument encrypted(PDDocument doc, String userPassword) throws IOException {
    AccessPermission permissions = new AccessPermission();
    permissions.setCanExtractContent(false);
    permissions.setCanPrint(false);
    StandardProtectionPolicy policy = new StandardProtectionPolicy("owner-secret", userPassword, permissions);
    policy.setEncryptionKeyLength(256);
    doc.protect(policy);
    return doc;
  }

  /**
   * A valid PDF of {@code pages} blank pages (a flat page tree and a classic xref table), written
   * directly: 10,000 pages take 0.2 s this way, against over a second through PDFBox.
   */
  public static void blankPages(Path file, int pages) throws IOException {
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
      CountingWriter w = new CountingWriter(out);
      long[] offsets = new long[pages + 3];
      w.write("%PDF-1.7\n");
      offsets[1] = w.position();
      w.write("1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
      offsets[2] = w.position();
      StringBuilder kids = new StringBuilder();
      for (int i = 0; i < pages; i++) {
        kids.append(i + 3).append(" 0 R ");
      }
      w.write("2 0 obj\n<< /Type /Pages /Count " + pages + " /Kids [" + kids + "] >>\nendobj\n");
      for (int i = 0; i < pages; i++) {
        offsets[i + 3] = w.position();
        w.write((i + 3) + " 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>\nendobj\n");
      }
      long xref = w.position();
      w.write("xref\n0 " + (pages + 3) + "\n0000000000 65535 f \n");
      for (int i = 1; i < pages + 3; i++) {
        w.write(String.format("%010d 00000 n \n", offsets[i]));
      }
      w.write("trailer\n<< /Size " + (pages + 3) + " /Root 1 0 R >>\nstartxref\n" + xref + "\n%%EOF\n");
    }
  }

  private static final class CountingWriter {
    private final OutputStream out;
    private long position;

    CountingWriter(OutputStream out) {
      this.out = out;
    }

    void write(String s) throws IOException {
      byte[] bytes = s.getBytes(StandardCharsets.US_ASCII);
      out.write(bytes);
      position += bytes.length;
    }

    long position() {
      return position;
    }
  }
}
