package io.exora.extract.structured;

import static io.exora.extract.structured.CdaXml.attr;
import static io.exora.extract.structured.CdaXml.child;
import static io.exora.extract.structured.CdaXml.decimal;

import java.math.BigDecimal;
import org.w3c.dom.Element;

/**
 * An observation's {@code value}, whatever its v3 type: a number with a unit (PQ, INT, REAL), a
 * bound such as "<2" (IVL_PQ), a coded answer (CD) or text (ST). Exactly one of {@code number} and
 * {@code text} is set unless the value is missing; a missing value keeps its nullFlavor.
 */
record CdaValue(BigDecimal number, String text, String unit, String nullFlavor) {

  boolean isMissing() {
    return number == null && text == null;
  }

  static CdaValue of(Element value, CcdaContext ctx) {
    if (value == null) {
      return new CdaValue(null, null, null, null);
    }
    String nullFlavor = CdaXml.nullFlavor(value);
    if (nullFlavor != null) {
      return new CdaValue(null, null, null, nullFlavor);
    }
    String type = CdaXml.xsiType(value);
    if (type == null) {
      type = value.hasAttribute("unit") ? "PQ" : "ST";
    }
    return switch (type) {
      case "PQ" -> new CdaValue(decimal(value, "value"), null, CdaXml.unit(value), null);
      case "INT", "REAL" -> new CdaValue(decimal(value, "value"), null, null, null);
      case "IVL_PQ" -> interval(value);
      case "CD", "CE", "CO", "CV" -> coded(ctx.concept(value));
      case "BL" -> new CdaValue(null, attr(value, "value"), null, null);
      default -> new CdaValue(null, ctx.narrative(value), null, null); // ST, ED
    };
  }

  private static CdaValue coded(Concept answer) {
    String words = answer.name();
    return new CdaValue(null, words != null ? words : answer.codeLabel(), null, null);
  }

  /**
   * A result reported as a bound ("less than 2 ug/dL") is kept as text, not as a number, so that
   * nobody charts the detection limit as if it were the measured value.
   */
  private static CdaValue interval(Element ivl) {
    Element low = child(ivl, "low");
    Element high = child(ivl, "high");
    BigDecimal lo = decimal(low, "value");
    BigDecimal hi = decimal(high, "value");
    String unit = CdaXml.unit(hi != null ? high : low);
    String text;
    if (lo != null && hi != null) {
      text = lo.toPlainString() + "-" + hi.toPlainString();
    } else if (hi != null) {
      text = (inclusive(high) ? "<=" : "<") + hi.toPlainString();
    } else if (lo != null) {
      text = (inclusive(low) ? ">=" : ">") + lo.toPlainString();
    } else {
      return new CdaValue(null, null, null, null);
    }
    return new CdaValue(null, text, unit, null);
  }

  private static boolean inclusive(Element bound) {
    return !"false".equalsIgnoreCase(attr(bound, "inclusive"));
  }
}
