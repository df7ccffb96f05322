package io.exora.extract.structured;

import java.util.Set;
import java.util.regex.Pattern;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The words of a piece of CDA narrative as one line: table cells are separated by " | ", and
 * paragraphs, list items and line breaks by a space, so a referenced table row reads "Hemoglobin |
 * 10.9 | g/dL | 11.5-13.5 | L" rather than "Hemoglobin10.9g/dL11.5-13.5L".
 */
final class NarrativeText {

  private static final Set<String> CELLS = Set.of("td", "th");
  private static final Set<String> BLOCKS =
      Set.of("tr", "paragraph", "item", "list", "br", "table", "thead", "tbody", "caption");

  /** Separators left by empty cells, once whitespace is single spaces: "a | | | b". */
  private static final Pattern EMPTY_CELLS = Pattern.compile("\\|( \\|)+");

  private NarrativeText() {}

  /** Null when the element holds no words. */
  static String of(Element element) {
    StringBuilder sb = new StringBuilder();
    append(element, sb);
    String words = Texts.clean(sb.toString());
    if (words == null) {
      return null;
    }
    words = EMPTY_CELLS.matcher(words).replaceAll("|");
    int start = 0;
    int end = words.length();
    while (start < end && isSeparator(words.charAt(start))) {
      start++;
    }
    while (end > start && isSeparator(words.charAt(end - 1))) {
      end--;
    }
    return start == end ? null : words.substring(start, end);
  }

  private static boolean isSeparator(char c) {
    return c == ' ' || c == '|';
  }

  private static void append(Node node, StringBuilder sb) {
    for (Node n = node.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n.getNodeType() == Node.TEXT_NODE || n.getNodeType() == Node.CDATA_SECTION_NODE) {
        sb.append(n.getNodeValue());
      } else if (n.getNodeType() == Node.ELEMENT_NODE) {
        String name = n.getLocalName();
        boolean cell = CELLS.contains(name);
        boolean block = BLOCKS.contains(name);
        if (block) {
          sb.append(' ');
        }
        append(n, sb);
        if (cell) {
          sb.append(" | ");
        } else if (block) {
          sb.append(' ');
        }
      }
    }
  }
}
