package io.exora.extract.structured;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.sun.net.httpserver.HttpServer;
import io.exora.extract.structured.DocumentFormatException.Code;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile and broken XML: each is refused with its own code, fast, and touches nothing outside. */
class CcdaSafetyTest {

  private final CcdaReader reader = new CcdaReader();

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static final String BILLION_LAUGHS =
      """
      <?xml version="1.0"?>
      <!DOCTYPE ClinicalDocument [
        <!ENTITY lol "lol">
        <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
        <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
        <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
        <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
        <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
        <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
        <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
        <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
        <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
      ]>
      <ClinicalDocument xmlns="urn:hl7-org:v3"><title>&lol9;</title></ClinicalDocument>
      """;

  @Test
  void theBillionLaughsIsRefusedBeforeAnyExpansion() {
    // 10^9 "lol"s would take minutes and gigabytes; refusal at the DOCTYPE takes milliseconds.
    assertTimeoutPreemptively(
        Duration.ofSeconds(5),
        () ->
            assertThatThrownBy(() -> reader.read(utf8(BILLION_LAUGHS)))
                .isInstanceOfSatisfying(
                    DocumentFormatException.class,
                    e -> {
                      assertThat(e.code()).isEqualTo(Code.UNSAFE_XML);
                      assertThat(e.code().wire()).isEqualTo("unsafe_xml");
                      assertThat(e.getMessage()).contains("DOCTYPE");
                    }));
  }

  @Test
  void anExternalEntityDoesNotReadTheFile(@TempDir Path dir) throws IOException {
    Path secret = dir.resolve("secret.txt");
    Files.writeString(secret, "TOP-SECRET-4711");
    String xxe =
        """
        <?xml version="1.0"?>
        <!DOCTYPE ClinicalDocument [ <!ENTITY xxe SYSTEM "%s"> ]>
        <ClinicalDocument xmlns="urn:hl7-org:v3"><title>&xxe;</title></ClinicalDocument>
        """
            .formatted(secret.toUri());

    assertThatThrownBy(() -> reader.read(utf8(xxe)))
        .isInstanceOfSatisfying(
            DocumentFormatException.class,
            e -> {
              assertThat(e.code()).isEqualTo(Code.UNSAFE_XML);
              assertThat(e).hasMessageContaining("DOCTYPE").hasMessageNotContaining("TOP-SECRET");
            });
  }

  @Test
  void anExternalDtdOrParameterEntityIsNeverFetched() throws IOException {
    AtomicInteger requests = new AtomicInteger();
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          requests.incrementAndGet();
          byte[] body = utf8("<!ENTITY leak \"fetched\">");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    try {
      String base = "http://127.0.0.1:" + server.getAddress().getPort();
      String externalSubset =
          """
          <?xml version="1.0"?>
          <!DOCTYPE ClinicalDocument SYSTEM "%s/evil.dtd">
          <ClinicalDocument xmlns="urn:hl7-org:v3"/>
          """
              .formatted(base);
      String parameterEntity =
          """
          <?xml version="1.0"?>
          <!DOCTYPE ClinicalDocument [ <!ENTITY %% remote SYSTEM "%s/evil.ent"> %%remote; ]>
          <ClinicalDocument xmlns="urn:hl7-org:v3"><title>&leak;</title></ClinicalDocument>
          """
              .formatted(base);

      for (String hostile : new String[] {externalSubset, parameterEntity}) {
        assertThatThrownBy(() -> reader.read(utf8(hostile)))
            .isInstanceOfSatisfying(
                DocumentFormatException.class,
                e -> assertThat(e.code()).isEqualTo(Code.UNSAFE_XML));
        assertThat(StructuredFormats.isCcda(utf8(hostile)))
            .as("detection reads only the root element")
            .isTrue();
      }
      assertThat(requests).as("HTTP requests the parser made").hasValue(0);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void detectionOfABombIsAsFastAsTheRefusal() {
    assertTimeoutPreemptively(
        Duration.ofSeconds(5),
        () -> assertThat(StructuredFormats.isCcda(utf8(BILLION_LAUGHS))).isTrue());
  }

  @Test
  void malformedXmlSaysWhere() {
    String broken =
        "<ClinicalDocument xmlns=\"urn:hl7-org:v3\">\n  <title>Unclosed\n</ClinicalDocument>";
    assertThatThrownBy(() -> reader.read(utf8(broken)))
        .isInstanceOfSatisfying(
            DocumentFormatException.class,
            e -> {
              assertThat(e.code()).isEqualTo(Code.MALFORMED_XML);
              assertThat(e.getMessage()).startsWith("malformed XML at line 3");
            });
    for (byte[] notXml :
        new byte[][] {new byte[0], utf8("just some text"), {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2}}) {
      assertThatThrownBy(() -> reader.read(notXml))
          .isInstanceOfSatisfying(
              DocumentFormatException.class,
              e -> assertThat(e.code()).isEqualTo(Code.MALFORMED_XML));
    }
  }

  @Test
  void wellFormedXmlThatIsNotACcdaIsRefusedByName() {
    assertThatThrownBy(() -> reader.read(utf8("<svg xmlns=\"http://www.w3.org/2000/svg\"/>")))
        .isInstanceOfSatisfying(
            DocumentFormatException.class,
            e -> {
              assertThat(e.code()).isEqualTo(Code.NOT_CCDA);
              assertThat(e.getMessage())
                  .isEqualTo(
                      "the XML root element is svg in http://www.w3.org/2000/svg, not"
                          + " ClinicalDocument in urn:hl7-org:v3");
            });
    assertThatThrownBy(() -> reader.read(utf8("<ClinicalDocument/>")))
        .as("the right name in no namespace is not a C-CDA")
        .isInstanceOfSatisfying(
            DocumentFormatException.class, e -> assertThat(e.code()).isEqualTo(Code.NOT_CCDA));
  }

  @Test
  void sizeElementAndDepthLimitsAreEnforcedWhileParsing() {
    DocumentLimits small = new DocumentLimits(10_000, 100, 20, 10);
    CcdaReader limited = new CcdaReader(small);
    String manyElements =
        "<ClinicalDocument xmlns=\"urn:hl7-org:v3\">" + "<a/>".repeat(150) + "</ClinicalDocument>";
    String deep =
        "<ClinicalDocument xmlns=\"urn:hl7-org:v3\">"
            + "<a>".repeat(12)
            + "</a>".repeat(12)
            + "</ClinicalDocument>";
    String big =
        "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><title>"
            + "x".repeat(10_000)
            + "</title></ClinicalDocument>";

    assertThatThrownBy(() -> limited.read(utf8(manyElements)))
        .hasMessage("the XML document has more than 100 elements");
    assertThatThrownBy(() -> limited.read(utf8(deep)))
        .hasMessage("the XML document nests elements deeper than 10");
    assertThatThrownBy(() -> limited.read(utf8(big)))
        .hasMessage("the XML document is " + utf8(big).length + " bytes; the limit is 10000 bytes");
    for (String tooLarge : new String[] {manyElements, deep, big}) {
      assertThatThrownBy(() -> limited.read(utf8(tooLarge)))
          .isInstanceOfSatisfying(
              DocumentFormatException.class, e -> assertThat(e.code()).isEqualTo(Code.TOO_LARGE));
    }
    assertThat(
            limited
                .read(
                    utf8(
                        "<ClinicalDocument xmlns=\"urn:hl7-org:v3\">"
                            + "<a/>".repeat(90)
                            + "</ClinicalDocument>"))
                .extraction()
                .events())
        .as("just under the limit reads")
        .isEmpty();
  }
}
