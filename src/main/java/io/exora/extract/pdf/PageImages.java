package io.exora.extract.pdf;

import java.io.IOException;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDResources;
import org.apache.pdfbox.pdmodel.graphics.PDXObject;
import org.apache.pdfbox.pdmodel.graphics.form.PDFormXObject;

/** Whether a page's resources hold an image: the mark of a scanned page. */
final class PageImages {

  /** Scanners nest a page's image in a form or two at most; deeper nesting is not a scan. */
  private static final int MAX_FORM_DEPTH = 4;

  private PageImages() {}

  /**
   * True when the page's resources (or those of forms it uses, a few levels deep) hold an image.
   * Reads only the resource dictionaries: no image is decoded. An unreadable resource counts as
   * no image, since the page may still have a text layer worth keeping.
   */
  static boolean drawsAnImage(PDPage page) {
    return holdsImage(page.getResources(), 0);
  }

  private static boolean holdsImage(PDResources resources, int depth) {
    if (resources == null || depth > MAX_FORM_DEPTH) {
      return false;
    }
    for (COSName name : resources.getXObjectNames()) {
      try {
        if (resources.isImageXObject(name)) {
          return true;
        }
        PDXObject xobject = resources.getXObject(name);
        if (xobject instanceof PDFormXObject form && holdsImage(form.getResources(), depth + 1)) {
          return true;
        }
      } catch (IOException | RuntimeException e) {
        // a broken XObject: look at the others
      }
    }
    return false;
  }
}
