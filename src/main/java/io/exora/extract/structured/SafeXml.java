package io.exora.extract.structured;

import io.exora.extract.structured.DocumentFormatException.Code;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParser;
import javax.xml.parsers.SAXParserFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.Text;
import org.xml.sax.Attributes;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.ext.DefaultHandler2;

/**
 * Parses untrusted XML into a DOM with every known XML attack shut off.
 *
 * <p>A DOCTYPE is refused the moment the parser reports it ({@code startDTD}), before any entity is
 * declared: that stops billion-laughs expansion and external entities (XXE) alike, and C-CDA never
 * needs a DTD. Behind that, secure processing is on, external entities, external DTDs and XInclude
 * are off, and any entity resolution throws. The DOM is built from SAX events here rather than by a
 * DocumentBuilder so that the element count and depth are checked while parsing: a document of
 * millions of tiny elements fails at the limit instead of after filling the heap.
 */
final class SafeXml {

  private SafeXml() {}

  static Document parse(byte[] xml, DocumentLimits limits) {
    if (xml.length > limits.maxBytes()) {
      throw new DocumentFormatException(
          Code.TOO_LARGE,
          "the XML document is "
              + xml.length
              + " bytes; the limit is "
              + limits.maxBytes()
              + " bytes");
    }
    DomBuilder builder = new DomBuilder(newDocument(), limits);
    try {
      SAXParser parser = hardenedParserFactory().newSAXParser();
      parser.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      parser.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
      parser.setProperty("http://xml.org/sax/properties/lexical-handler", builder);
      // The builder is also the error handler, which keeps the default printing to stderr off.
      parser.parse(new InputSource(new ByteArrayInputStream(xml)), builder);
    } catch (Refused r) {
      throw new DocumentFormatException(r.code, r.getMessage());
    } catch (SAXParseException e) {
      throw new DocumentFormatException(
          Code.MALFORMED_XML,
          "malformed XML at line "
              + e.getLineNumber()
              + ", column "
              + e.getColumnNumber()
              + ": "
              + e.getMessage(),
          e);
    } catch (SAXException e) {
      throw new DocumentFormatException(Code.MALFORMED_XML, "malformed XML: " + e.getMessage(), e);
    } catch (IOException e) {
      // The input is in memory, so an IOException is the parser's report of bad bytes.
      throw new DocumentFormatException(Code.MALFORMED_XML, "unreadable XML: " + e.getMessage(), e);
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("the JDK's XML parser lacks a required security feature", e);
    }
    return builder.document;
  }

  static SAXParserFactory hardenedParserFactory() throws ParserConfigurationException {
    SAXParserFactory factory = SAXParserFactory.newInstance();
    factory.setNamespaceAware(true);
    factory.setValidating(false);
    factory.setXIncludeAware(false);
    try {
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
      factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
      factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    } catch (SAXException e) {
      throw new ParserConfigurationException("cannot harden the XML parser: " + e.getMessage());
    }
    return factory;
  }

  private static Document newDocument() {
    try {
      return DocumentBuilderFactory.newInstance().newDocumentBuilder().newDocument();
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("the JDK cannot create an empty DOM document", e);
    }
  }

  /** A refusal decided by this class, carried through the parser as a SAXException. */
  private static final class Refused extends SAXException {
    private static final long serialVersionUID = 1L;
    final transient Code code;

    Refused(Code code, String message) {
      super(message);
      this.code = code;
    }
  }

  /** SAX events to DOM nodes, counting as it goes. */
  private static final class DomBuilder extends DefaultHandler2 {
    final Document document;
    private final DocumentLimits limits;
    private Node current;
    private int elements;
    private int depth;

    DomBuilder(Document document, DocumentLimits limits) {
      this.document = document;
      this.limits = limits;
      this.current = document;
    }

    @Override
    public void startDTD(String name, String publicId, String systemId) throws SAXException {
      throw new Refused(
          Code.UNSAFE_XML,
          "the XML document declares a DOCTYPE; DTDs and entities are refused"
              + " (they enable entity expansion and external-file attacks) and C-CDA needs none");
    }

    @Override
    public InputSource resolveEntity(String name, String publicId, String baseUri, String systemId)
        throws SAXException {
      throw new Refused(Code.UNSAFE_XML, "the XML document references an external entity");
    }

    @Override
    public InputSource resolveEntity(String publicId, String systemId) throws SAXException {
      throw new Refused(Code.UNSAFE_XML, "the XML document references an external entity");
    }

    @Override
    public void startElement(String uri, String localName, String qName, Attributes attributes)
        throws SAXException {
      if (++elements > limits.maxXmlElements()) {
        throw new Refused(
            Code.TOO_LARGE,
            "the XML document has more than " + limits.maxXmlElements() + " elements");
      }
      if (++depth > limits.maxDepth()) {
        throw new Refused(
            Code.TOO_LARGE, "the XML document nests elements deeper than " + limits.maxDepth());
      }
      Element element = document.createElementNS(emptyToNull(uri), nameOf(qName, localName));
      for (int i = 0; i < attributes.getLength(); i++) {
        element.setAttributeNS(
            emptyToNull(attributes.getURI(i)),
            nameOf(attributes.getQName(i), attributes.getLocalName(i)),
            attributes.getValue(i));
      }
      current.appendChild(element);
      current = element;
    }

    @Override
    public void endElement(String uri, String localName, String qName) {
      depth--;
      current = current.getParentNode();
    }

    @Override
    public void characters(char[] ch, int start, int length) {
      if (current == document) {
        return; // whitespace around the root element
      }
      Node last = current.getLastChild();
      if (last instanceof Text text) {
        text.appendData(new String(ch, start, length)); // the parser splits text at buffer edges
      } else {
        current.appendChild(document.createTextNode(new String(ch, start, length)));
      }
    }

    @Override
    public void fatalError(SAXParseException e) throws SAXException {
      throw e;
    }

    @Override
    public void error(SAXParseException e) throws SAXException {
      throw e;
    }

    @Override
    public void warning(SAXParseException e) {
      // Warnings (e.g. an unusual encoding label) do not make a document unreadable.
    }

    private static String emptyToNull(String s) {
      return s == null || s.isEmpty() ? null : s;
    }

    private static String nameOf(String qName, String localName) {
      return qName == null || qName.isEmpty() ? localName : qName;
    }
  }
}
