package io.exora.extract.pdf;

import io.exora.extract.UnreadableDocument;
import java.io.IOException;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageTree;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.pdfbox.text.TextPosition;

/**
 * The text layer of every page, in one pass over the document (asking PDFBox for page n alone
 * walks pages 1..n each time), words sorted by their position on the page so that a table's row
 * reads as one line whatever order the producer drew it in.
 *
 * <p>Characters are counted as they are drawn, before PDFBox collects them for sorting: a content
 * stream a few kilobytes long, compressed, can draw millions of characters on one page, each held
 * in memory with its position until the page ends.
 *
 * <p>One instance reads one document.
 */
final class PageTextStripper extends PDFTextStripper {

  private final long maxChars;
  private final StringWriter output = new StringWriter();
  private long drawn;
  private String[] pages;

  PageTextStripper(long maxChars) {
    this.maxChars = maxChars;
    setSortByPosition(true);
    setLineSeparator("\n");
  }

  /**
   * One string per page, in page order, each stripped of leading and trailing whitespace.
   *
   * @throws UnreadableDocument {@code pdf_corrupt} when the page tree does not hold
   *     {@code pageCount} pages, {@code text_too_long} past the character limit
   */
  List<String> pageTexts(PDDocument doc, int pageCount) throws IOException {
    pages = new String[pageCount];
    Arrays.fill(pages, "");
    writeText(doc, output);
    return List.of(pages);
  }

  /** Checks the page tree against the declared count before any page is read. */
  @Override
  protected void processPages(PDPageTree tree) throws IOException {
    int found = 0;
    for (PDPage ignored : tree) {
      found++;
    }
    if (found != pages.length) {
      throw new UnreadableDocument(UnreadableDocument.PDF_CORRUPT, "The PDF's page tree is damaged: "
          + pages.length + " pages declared, " + found + " found");
    }
    super.processPages(tree);
  }

  /** Called only for pages with content (the others keep their empty text), once counted. */
  @Override
  public void processPage(PDPage page) throws IOException {
    super.processPage(page);
    pages[getCurrentPageNo() - 1] = output.toString().strip();
    output.getBuffer().setLength(0);
  }

  @Override
  protected void processTextPosition(TextPosition text) {
    drawn += text.getUnicode() == null ? 1 : text.getUnicode().length();
    if (drawn > maxChars) {
      throw new UnreadableDocument(UnreadableDocument.TEXT_TOO_LONG, "The PDF holds more than "
          + maxChars + " characters of text, more than any medical document Exora reads;"
          + " split it into smaller files");
    }
    super.processTextPosition(text);
  }
}
