package io.exora.extract.ocr;

import io.exora.extract.PageText;
import io.exora.extract.ReadText;
import io.exora.extract.UnreadableDocument;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;

/**
 * The text of a PNG, JPEG or TIFF image (each page of a multi-page TIFF), by OCR.
 *
 * <p>The size is read from the header before a single pixel is decoded, and an image over the
 * limit is refused there: a PNG of 30,000 x 30,000 pixels is a few hundred kilobytes on disk and
 * 900 MB to 3.6 GB once decoded. PNG and JPEG files within the limit go to Tesseract as they are,
 * so their pixels are never decoded in the JVM; TIFF pages (and PNGs with transparency) are decoded
 * one at a time, subsampled to at most {@link Limits#maxDecodedPixels()}.
 */
public final class ImageReader {

  /** 40 MP: an A4 page scanned at 600 DPI is 35 MP; a phone photo 12-50 MP. */
  public static final long DEFAULT_MAX_PIXELS = 40_000_000L;
  /** Longer sides are panoramas or strips, not documents. */
  public static final int DEFAULT_MAX_SIDE = 12_000;
  public static final int DEFAULT_MAX_PAGES = 100;
  /** 16 MP, at most 64 MB of heap decoded; more resolution than OCR uses (A4 at 400 DPI). */
  public static final long DEFAULT_MAX_DECODED_PIXELS = 16_000_000L;

  /**
   * @param maxPixels an image (or TIFF page) with more pixels is refused ({@code image_too_large})
   * @param maxSide an image with a longer side is refused ({@code image_too_large})
   * @param maxPages a TIFF with more pages is refused ({@code too_many_pages})
   * @param maxDecodedPixels a page decoded in the JVM is subsampled down to this many pixels
   */
  public record Limits(long maxPixels, int maxSide, int maxPages, long maxDecodedPixels) {
    public Limits {
      if (maxPixels < 1 || maxSide < 1 || maxPages < 1 || maxDecodedPixels < 1) {
        throw new IllegalArgumentException("invalid image limits: " + this);
      }
    }

    public static Limits defaults() {
      return new Limits(DEFAULT_MAX_PIXELS, DEFAULT_MAX_SIDE, DEFAULT_MAX_PAGES, DEFAULT_MAX_DECODED_PIXELS);
    }
  }

  private enum Format { PNG, JPEG, TIFF }

  private final Limits limits;
  private final Tesseract tesseract;

  public ImageReader(Limits limits, Tesseract tesseract) {
    this.limits = Objects.requireNonNull(limits, "limits");
    this.tesseract = Objects.requireNonNull(tesseract, "tesseract");
  }

  /**
   * Reads the image at {@code file}.
   *
   * @throws UnreadableDocument when the file is not a PNG, JPEG or TIFF, is damaged, is over a
   *     limit, has no text, or OCR failed (see {@link UnreadableDocument#retryable()})
   * @throws IOException when the file cannot be opened or a temporary file cannot be written
   */
  public ReadText read(Path file) throws IOException, InterruptedException {
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString());
    }
    List<PageText> pages = new ArrayList<>();
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      if (in == null) {
        throw new IOException("cannot open " + file + " for reading");
      }
      javax.imageio.ImageReader reader = readerFor(in);
      try {
        Format format = format(reader);
        reader.setInput(in, false, true);  // random access (TIFF pages), no metadata
        int pageCount = checkSizes(reader, format);
        if (format != Format.TIFF && !hasAlpha(reader)) {
          // Its header says PNG or JPEG, as Leptonica will see: safe to hand over as it is.
          pages.add(page(1, tesseract.read(file, null)));
        } else {
          for (int i = 0; i < pageCount; i++) {
            pages.add(page(i + 1, tesseract.read(decode(reader, i), null)));
          }
        }
      } finally {
        reader.dispose();
      }
    }
    ReadText read = ReadText.of(pages);
    if (read.isBlank()) {
      throw new UnreadableDocument(UnreadableDocument.NO_TEXT, "No text was found in the image by OCR");
    }
    return read;
  }

  private static PageText page(int number, OcrResult ocr) {
    return PageText.ocr(number, ocr.text(), ocr.confidence());
  }

  private static javax.imageio.ImageReader readerFor(ImageInputStream in) {
    Iterator<javax.imageio.ImageReader> readers = ImageIO.getImageReaders(in);
    if (!readers.hasNext()) {
      throw new UnreadableDocument(UnreadableDocument.UNSUPPORTED_IMAGE,
          "The file is not an image Exora reads: PNG, JPEG or TIFF");
    }
    return readers.next();
  }

  private static Format format(javax.imageio.ImageReader reader) throws IOException {
    String name = reader.getFormatName().toLowerCase(Locale.ROOT);
    return switch (name) {
      case "png" -> Format.PNG;
      case "jpeg", "jpg" -> Format.JPEG;
      case "tif", "tiff" -> Format.TIFF;
      default -> throw new UnreadableDocument(UnreadableDocument.UNSUPPORTED_IMAGE,
          "The image is a " + name.toUpperCase(Locale.ROOT) + "; Exora reads PNG, JPEG and TIFF images");
    };
  }

  /**
   * Checks every page's size from the headers alone and returns the page count. Pages are counted
   * one by one up to the limit rather than by {@code getNumImages(true)}, which would walk a TIFF's
   * whole page chain however long (or circular) it is.
   */
  private int checkSizes(javax.imageio.ImageReader reader, Format format) {
    int pages = 0;
    try {
      int maxIndex = format == Format.TIFF ? limits.maxPages() : 0;
      for (int i = 0; i <= maxIndex && exists(reader, i); i++) {
        if (i == limits.maxPages()) {
          throw new UnreadableDocument(UnreadableDocument.TOO_MANY_PAGES,
              "The TIFF has more than " + limits.maxPages() + " pages; Exora reads at most " + limits.maxPages());
        }
        checkSize(reader.getWidth(i), reader.getHeight(i), i, format);
        pages++;
      }
    } catch (IOException | RuntimeException e) {
      throw imageError(e);
    }
    if (pages == 0) {
      throw new UnreadableDocument(UnreadableDocument.IMAGE_CORRUPT, "The image file holds no image");
    }
    return pages;
  }

  private static boolean exists(javax.imageio.ImageReader reader, int index) throws IOException {
    try {
      reader.getWidth(index);
      return true;
    } catch (IndexOutOfBoundsException e) {
      return false;
    }
  }

  private void checkSize(int width, int height, int index, Format format) {
    long pixels = (long) width * height;
    if (width < 1 || height < 1) {
      throw new UnreadableDocument(UnreadableDocument.IMAGE_CORRUPT, "The image has no pixels");
    }
    if (pixels > limits.maxPixels() || width > limits.maxSide() || height > limits.maxSide()) {
      String where = format == Format.TIFF ? "Page " + (index + 1) + " of the TIFF" : "The image";
      throw new UnreadableDocument(UnreadableDocument.IMAGE_TOO_LARGE, where + " is " + width + " x "
          + height + " pixels; Exora reads images of at most " + limits.maxPixels() / 1_000_000
          + " megapixels and " + limits.maxSide() + " pixels a side");
    }
  }

  /** Transparency must be flattened onto white before OCR (see {@link GrayImages#toGray}). */
  private static boolean hasAlpha(javax.imageio.ImageReader reader) {
    try {
      ImageTypeSpecifier type = reader.getRawImageType(0);
      return type != null && type.getColorModel().hasAlpha();
    } catch (IOException | RuntimeException e) {
      return false;  // e.g. a CMYK JPEG, which Java cannot describe but Tesseract reads
    }
  }

  /** One page, decoded at every n-th pixel and line so it stays within the decoded-pixel limit. */
  private BufferedImage decode(javax.imageio.ImageReader reader, int index) {
    try {
      long pixels = (long) reader.getWidth(index) * reader.getHeight(index);
      int step = (int) Math.ceil(Math.sqrt((double) pixels / limits.maxDecodedPixels()));
      ImageReadParam param = reader.getDefaultReadParam();
      if (step > 1) {
        param.setSourceSubsampling(step, step, 0, 0);
      }
      return reader.read(index, param);
    } catch (IOException | RuntimeException e) {
      throw imageError(e);
    }
  }

  private static UnreadableDocument imageError(Exception e) {
    if (e instanceof UnreadableDocument u) {
      return u;
    }
    String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    if (message.contains("unsupported")) {
      return UnreadableDocument.permanent(UnreadableDocument.UNSUPPORTED_IMAGE,
          "The image uses a variant of its format that Exora cannot decode", e);
    }
    return UnreadableDocument.permanent(UnreadableDocument.IMAGE_CORRUPT,
        "The image is damaged or truncated and cannot be read", e);
  }
}
