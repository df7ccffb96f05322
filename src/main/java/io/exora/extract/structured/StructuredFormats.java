package io.exora.extract.structured;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayInputStream;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Tells C-CDA and FHIR documents apart by content, for the upload path, which must not trust a
 * file's name. Both checks read only as far as they must (the root element; the top-level keys of a
 * JSON object), never build a tree, and answer false for anything they cannot read.
 *
 * <p>A C-CDA that declares a DOCTYPE is still recognised as C-CDA here; reading it then fails with
 * {@code unsafe_xml}, which tells the user more than an "unsupported type" would.
 */
public final class StructuredFormats {

  static final String HL7_V3 = "urn:hl7-org:v3";
  private static final Pattern RESOURCE_TYPE = Pattern.compile("[A-Z][A-Za-z]{1,63}");
  private static final JsonFactory JSON = new JsonFactory();

  private StructuredFormats() {}

  /** True when the root element is {@code ClinicalDocument} in the HL7 v3 namespace. */
  public static boolean isCcda(byte[] bytes) {
    XMLStreamReader reader = null;
    try {
      reader = hardenedStax().createXMLStreamReader(new ByteArrayInputStream(bytes));
      while (reader.hasNext()) {
        if (reader.next() == XMLStreamConstants.START_ELEMENT) {
          return "ClinicalDocument".equals(reader.getLocalName())
              && HL7_V3.equals(reader.getNamespaceURI());
        }
      }
      return false;
    } catch (XMLStreamException | RuntimeException e) {
      return false;
    } finally {
      closeQuietly(reader);
    }
  }

  /** True when the content is a JSON object with a string {@code resourceType} such as "Bundle". */
  public static boolean isFhir(byte[] bytes) {
    try (JsonParser parser = JSON.createParser(bytes)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return false;
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if ("resourceType".equals(field)) {
          return value == JsonToken.VALUE_STRING
              && RESOURCE_TYPE.matcher(parser.getText()).matches();
        }
        parser.skipChildren();
      }
      return false;
    } catch (Exception e) {
      return false;
    }
  }

  private static XMLInputFactory hardenedStax() {
    XMLInputFactory factory = XMLInputFactory.newFactory();
    factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
    factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    return factory;
  }

  private static void closeQuietly(XMLStreamReader reader) {
    if (reader != null) {
      try {
        reader.close();
      } catch (XMLStreamException ignored) {
        // nothing was opened that needs closing: the input is a byte array
      }
    }
  }
}
