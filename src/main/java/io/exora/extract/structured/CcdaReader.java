package io.exora.extract.structured;

import static io.exora.extract.structured.CdaXml.child;

import io.exora.clinical.ClinicalEvent;
import io.exora.clinical.Extraction;
import io.exora.extract.structured.DocumentFormatException.Code;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Reads a C-CDA R2.1 document (a CCD, a discharge summary, any document with a structured body)
 * into clinical events: results, vital signs, medications, problems, allergies and immunizations,
 * with their LOINC, RxNorm, SNOMED CT, ICD-10-CM and CVX codes carried over.
 *
 * <p>Sections are found by LOINC section code or templateId, wherever they sit in the body, and
 * read entry by entry; the narrative is used only for the words an entry points to. Sections of
 * other kinds are ignored. The reader is stateless and safe to share between threads.
 */
public final class CcdaReader {

  public static final String READER = "ccda/1";

  private final DocumentLimits limits;
  private final Map<CcdaSection.Kind, CcdaSectionReader> sectionReaders =
      new EnumMap<>(CcdaSection.Kind.class);

  public CcdaReader() {
    this(DocumentLimits.DEFAULT);
  }

  public CcdaReader(DocumentLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
    sectionReaders.put(CcdaSection.Kind.RESULTS, new CcdaResults());
    sectionReaders.put(CcdaSection.Kind.VITAL_SIGNS, new CcdaVitals());
    sectionReaders.put(CcdaSection.Kind.MEDICATIONS, new CcdaMedications());
    sectionReaders.put(CcdaSection.Kind.PROBLEMS, new CcdaProblems());
    sectionReaders.put(CcdaSection.Kind.ALLERGIES, new CcdaAllergies());
    sectionReaders.put(CcdaSection.Kind.IMMUNIZATIONS, new CcdaImmunizations());
  }

  /**
   * @throws DocumentFormatException {@code too_large}, {@code unsafe_xml}, {@code malformed_xml} or
   *     {@code not_ccda}
   */
  public ReadResult read(byte[] xml) {
    Document document = SafeXml.parse(xml, limits);
    Element root = document.getDocumentElement();
    if (!CdaXml.V3.equals(root.getNamespaceURI())
        || !"ClinicalDocument".equals(root.getLocalName())) {
      throw new DocumentFormatException(
          Code.NOT_CCDA,
          "the XML root element is "
              + root.getLocalName()
              + (root.getNamespaceURI() == null ? "" : " in " + root.getNamespaceURI())
              + ", not ClinicalDocument in "
              + CdaXml.V3);
    }
    CcdaContext ctx = new CcdaContext(document);
    List<ClinicalEvent> events = new ArrayList<>();
    Element body = CdaXml.path(root, "component", "structuredBody");
    if (body == null) {
      ctx.note(
          "the document has no structured body (an unstructured or scanned C-CDA); no coded entries"
              + " to read");
    } else {
      NodeList sections = body.getElementsByTagNameNS(CdaXml.V3, "section");
      for (int i = 0; i < sections.getLength(); i++) {
        CcdaSection section = CcdaSection.of((Element) sections.item(i));
        if (section != null) {
          sectionReaders.get(section.kind()).read(section, ctx, events);
        }
      }
    }
    return new ReadResult(
        new Extraction(CdaXml.start(child(root, "effectiveTime")), events, READER), ctx.notes());
  }
}
