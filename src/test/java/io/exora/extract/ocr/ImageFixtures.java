package io.exora.extract.ocr;

import io.exora.extract.TextImages;
import java.awt.image.BufferedImage;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Images made in code for the image reader's tests. Public only for {@link #hugePng}, which the
 * HTTP tests upload (io.exora.api.DocumentsApiTest).
 */
public final class ImageFixtures {

  private ImageFixtures() {}

  static BufferedImage text(String... lines) {
    return TextImages.page(List.of(lines), BufferedImage.TYPE_BYTE_GRAY);
  }

  static Path write(Path dir, String name, String format, BufferedImage image) throws IOException {
    Path file = dir.resolve(name);
    if (!ImageIO.write(image, format, file.toFile())) {
      throw new IllegalStateException("no ImageIO writer for " + format);
    }
    return file;
  }

  /** A multi-page TIFF (LZW-compressed), one page per image. */
  static Path tiff(Path dir, String name, BufferedImage... pages) throws IOException {
    Path file = dir.resolve(name);
    ImageWriter writer = ImageIO.getImageWritersByFormatName("tiff").next();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionType("LZW");
      writer.prepareWriteSequence(null);
      for (BufferedImage page : pages) {
        writer.writeToSequence(new IIOImage(page, null, null), param);
      }
      writer.endWriteSequence();
    } finally {
      writer.dispose();
    }
    return file;
  }

  /**
   * A valid, all-white 1-bit greyscale PNG of {@code width} x {@code height} pixels, written
   * row by row through a deflater: a 30,000 x 30,000 one is about 110 KB on disk and would be
   * 900 MB decoded, and is never held in memory here.
   */
  public static Path hugePng(Path file, int width, int height) throws IOException {
    try (DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(file)))) {
      out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
      java.io.ByteArrayOutputStream ihdr = new java.io.ByteArrayOutputStream();
      DataOutputStream h = new DataOutputStream(ihdr);
      h.writeInt(width);
      h.writeInt(height);
      h.writeByte(1);  // bit depth
      h.writeByte(0);  // greyscale
      h.writeByte(0);  // deflate
      h.writeByte(0);  // adaptive filtering
      h.writeByte(0);  // no interlace
      chunk(out, "IHDR", ihdr.toByteArray());

      java.io.ByteArrayOutputStream idat = new java.io.ByteArrayOutputStream();
      byte[] row = new byte[1 + (width + 7) / 8];  // filter byte 0, then the row's bits
      java.util.Arrays.fill(row, 1, row.length, (byte) 0xFF);
      try (OutputStream z = new DeflaterOutputStream(idat, new Deflater(Deflater.BEST_COMPRESSION), 1 << 16)) {
        for (int y = 0; y < height; y++) {
          z.write(row);
        }
      }
      chunk(out, "IDAT", idat.toByteArray());
      chunk(out, "IEND", new byte[0]);
    }
    return file;
  }

  private static void chunk(DataOutputStream out, String type, byte[] data) throws IOException {
    byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
    CRC32 crc = new CRC32();
    crc.update(typeBytes);
    crc.update(data);
    out.writeInt(data.length);
    out.write(typeBytes);
    out.write(data);
    out.writeInt((int) crc.getValue());
  }
}
