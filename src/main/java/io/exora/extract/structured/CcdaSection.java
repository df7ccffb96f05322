package io.exora.extract.structured;

import static io.exora.extract.structured.CdaXml.attr;
import static io.exora.extract.structured.CdaXml.child;
import static io.exora.extract.structured.CdaXml.children;

import java.util.List;
import java.util.Set;
import java.util.function.ObjIntConsumer;
import org.w3c.dom.Element;

/**
 * One C-CDA section of a kind this reader maps.
 *
 * @param title the section's own title, else the kind's usual name
 */
record CcdaSection(Element element, Kind kind, String title) {

  private static final String LOINC_OID = "2.16.840.1.113883.6.1";

  /**
   * The sections read, each known by its LOINC section code and by its C-CDA templateIds (the
   * "entries optional" and "entries required" variants), either of which identifies it.
   */
  enum Kind {
    RESULTS(
        "30954-2", "Results", "2.16.840.1.113883.10.20.22.2.3", "2.16.840.1.113883.10.20.22.2.3.1"),
    VITAL_SIGNS(
        "8716-3",
        "Vital Signs",
        "2.16.840.1.113883.10.20.22.2.4",
        "2.16.840.1.113883.10.20.22.2.4.1"),
    MEDICATIONS(
        "10160-0",
        "Medications",
        "2.16.840.1.113883.10.20.22.2.1",
        "2.16.840.1.113883.10.20.22.2.1.1"),
    PROBLEMS(
        "11450-4",
        "Problems",
        "2.16.840.1.113883.10.20.22.2.5",
        "2.16.840.1.113883.10.20.22.2.5.1"),
    ALLERGIES(
        "48765-2",
        "Allergies",
        "2.16.840.1.113883.10.20.22.2.6",
        "2.16.840.1.113883.10.20.22.2.6.1"),
    IMMUNIZATIONS(
        "11369-6",
        "Immunizations",
        "2.16.840.1.113883.10.20.22.2.2",
        "2.16.840.1.113883.10.20.22.2.2.1");

    final String loinc;
    final String defaultTitle;
    final Set<String> templates;

    Kind(String loinc, String defaultTitle, String... templates) {
      this.loinc = loinc;
      this.defaultTitle = defaultTitle;
      this.templates = Set.of(templates);
    }
  }

  /** The section's kind, or null for sections this reader does not map (plan of care, ...). */
  static CcdaSection of(Element section) {
    Element code = child(section, "code");
    String loinc = attr(code, "code");
    String system = attr(code, "codeSystem");
    for (Kind kind : Kind.values()) {
      boolean byCode = kind.loinc.equals(loinc) && (system == null || LOINC_OID.equals(system));
      boolean byTemplate =
          children(section, "templateId").stream()
              .anyMatch(t -> attr(t, "root") != null && kind.templates.contains(attr(t, "root")));
      if (byCode || byTemplate) {
        String title = Texts.clean(CdaXml.text(child(section, "title")), Texts.MAX_NAME_CHARS);
        return new CcdaSection(section, kind, title == null ? kind.defaultTitle : title);
      }
    }
    return null;
  }

  List<Element> entries() {
    return children(element, "entry");
  }

  /** Each entry's substanceAdministration with the entry's index (0-based), in document order. */
  void eachSubstanceAdministration(ObjIntConsumer<Element> action) {
    List<Element> entries = entries();
    for (int i = 0; i < entries.size(); i++) {
      Element sa = child(entries.get(i), "substanceAdministration");
      if (sa != null) {
        action.accept(sa, i);
      }
    }
  }
}
