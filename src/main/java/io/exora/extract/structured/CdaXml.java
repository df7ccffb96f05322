package io.exora.extract.structured;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * DOM navigation in the HL7 v3 namespace, and the few v3 data types every section needs (TS, PQ,
 * nullFlavor). Lookups are by direct child, never by descendant search: in CDA a descendant search
 * would pick up the same element name from a nested entryRelationship.
 */
final class CdaXml {

  static final String V3 = StructuredFormats.HL7_V3;

  private CdaXml() {}

  /** The first direct child named {@code name} in the v3 namespace, or null. */
  static Element child(Element parent, String name) {
    if (parent == null) {
      return null;
    }
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (isV3(n, name)) {
        return (Element) n;
      }
    }
    return null;
  }

  static List<Element> children(Element parent, String name) {
    List<Element> found = new ArrayList<>();
    if (parent == null) {
      return found;
    }
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (isV3(n, name)) {
        found.add((Element) n);
      }
    }
    return found;
  }

  /** Walks first children: {@code path(sa, "consumable", "manufacturedProduct")}. */
  static Element path(Element from, String... names) {
    Element e = from;
    for (String name : names) {
      e = child(e, name);
    }
    return e;
  }

  /** An attribute's trimmed value, or null when absent or blank. */
  static String attr(Element e, String name) {
    if (e == null || !e.hasAttribute(name)) {
      return null;
    }
    String v = e.getAttribute(name).trim();
    return v.isEmpty() ? null : v;
  }

  /** The {@code xsi:type} without any namespace prefix ("PQ" for "v3:PQ"), or null. */
  static String xsiType(Element e) {
    if (e == null) {
      return null;
    }
    String t = e.getAttributeNS(XMLConstants.W3C_XML_SCHEMA_INSTANCE_NS_URI, "type").trim();
    if (t.isEmpty()) {
      return null;
    }
    int colon = t.indexOf(':');
    return colon < 0 ? t : t.substring(colon + 1);
  }

  static String nullFlavor(Element e) {
    return attr(e, "nullFlavor");
  }

  /** {@code negationInd="true"}: the act or observation did not happen, or is absent. */
  static boolean negated(Element e) {
    return "true".equalsIgnoreCase(attr(e, "negationInd"));
  }

  static boolean hasTemplate(Element e, String root) {
    return children(e, "templateId").stream().anyMatch(t -> root.equals(attr(t, "root")));
  }

  static String statusCode(Element e) {
    return attr(child(e, "statusCode"), "code");
  }

  /** The element's text with whitespace collapsed, or null. */
  static String text(Element e) {
    return e == null ? null : Texts.clean(e.getTextContent());
  }

  /** An {@code effectiveTime}'s point in time: its value, else its low bound; or null. */
  static LocalDate start(Element time) {
    if (time == null) {
      return null;
    }
    LocalDate point = Hl7Dates.fromV3(attr(time, "value"));
    return point != null ? point : Hl7Dates.fromV3(attr(child(time, "low"), "value"));
  }

  /** An {@code effectiveTime}'s high bound, or null when it is absent or a nullFlavor. */
  static LocalDate end(Element time) {
    return Hl7Dates.fromV3(attr(child(time, "high"), "value"));
  }

  /** A decimal attribute such as PQ's {@code value}; null when absent or not a sane number. */
  static BigDecimal decimal(Element e, String attribute) {
    return Decimals.parse(attr(e, attribute));
  }

  /** A PQ unit; UCUM's "1" means "no unit". */
  static String unit(Element pq) {
    String unit = attr(pq, "unit");
    return "1".equals(unit) ? null : unit;
  }

  private static boolean isV3(Node n, String name) {
    return n.getNodeType() == Node.ELEMENT_NODE
        && V3.equals(n.getNamespaceURI())
        && name.equals(n.getLocalName());
  }
}
