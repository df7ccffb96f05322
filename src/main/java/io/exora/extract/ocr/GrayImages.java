package io.exora.extract.ocr;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** 8-bit grey images, the form OCR wants, and their plainest file format (binary PGM). */
final class GrayImages {

  private GrayImages() {}

  /**
   * The image in 8-bit grey. Transparent pixels become white: a transparent background is paper,
   * and Tesseract would otherwise see it as black (the colour stored under full transparency).
   */
  static BufferedImage toGray(BufferedImage image) {
    if (image.getType() == BufferedImage.TYPE_BYTE_GRAY) {
      return image;
    }
    BufferedImage gray = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
    Graphics2D g = gray.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, image.getWidth(), image.getHeight());
      g.drawImage(image, 0, 0, null);
    } finally {
      g.dispose();
    }
    return gray;
  }

  /** Writes a {@link BufferedImage#TYPE_BYTE_GRAY} image as a binary PGM (P5) file. */
  static void writePgm(BufferedImage gray, Path file) throws IOException {
    if (gray.getType() != BufferedImage.TYPE_BYTE_GRAY) {
      throw new IllegalArgumentException("not an 8-bit grey image: type " + gray.getType());
    }
    int width = gray.getWidth();
    int height = gray.getHeight();
    Raster raster = gray.getRaster();
    byte[] row = new byte[width];
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      out.write(("P5\n" + width + " " + height + "\n255\n").getBytes(StandardCharsets.US_ASCII));
      for (int y = 0; y < height; y++) {
        raster.getDataElements(0, y, width, 1, row);
        out.write(row);
      }
    }
  }
}
