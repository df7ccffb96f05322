package io.exora.extract;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/** Test fixtures: lines of text drawn on white, as a clean 300 DPI scan of a typed page shows them. */
public final class TextImages {

  public static final int DPI = 300;

  private TextImages() {}

  /** The lines in 12 pt sans-serif at 300 DPI, on a page just large enough to hold them. */
  public static BufferedImage page(List<String> lines, int imageType) {
    int size = 12 * DPI / 72;  // 50 px
    int lineHeight = size * 3 / 2;
    int width = 2000;
    int height = 2 * 150 + lines.size() * lineHeight;
    BufferedImage image = new BufferedImage(width, height, imageType);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, size));
      for (int i = 0; i < lines.size(); i++) {
        g.drawString(lines.get(i), 150, 150 + (i + 1) * lineHeight - size / 3);
      }
    } finally {
      g.dispose();
    }
    return image;
  }
}
