package io.exora.extract.structured;

import static io.exora.extract.structured.StructuredFormats.isCcda;
import static io.exora.extract.structured.StructuredFormats.isFhir;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Detection by content, as the upload path uses it: never by name, never throwing. */
class StructuredFormatsTest {

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void theShippedSamplesAreRecognised() {
    byte[] ccd = Samples.sample("ccd-pediatric-visit.xml");
    byte[] bundle = Samples.sample("fhir-bundle-adult.json");

    assertThat(isCcda(ccd)).isTrue();
    assertThat(isFhir(ccd)).isFalse();
    assertThat(isFhir(bundle)).isTrue();
    assertThat(isCcda(bundle)).isFalse();
    assertThat(isCcda(Samples.sample("discharge-summary.txt"))).isFalse();
    assertThat(isFhir(Samples.sample("lab-report.txt"))).isFalse();
  }

  @Test
  void aCcdaIsAClinicalDocumentInTheHl7Namespace() {
    assertThat(
            isCcda(
                utf8(
                    "\uFEFF<?xml version=\"1.0\"?>\n"
                        + "<!-- comment -->\n"
                        + "<v3:ClinicalDocument xmlns:v3=\"urn:hl7-org:v3\"/>")))
        .as("BOM, comment and a prefix")
        .isTrue();
    assertThat(isCcda(utf8("<?xml version=\"1.0\" encoding=\"UTF-16\"?><x/>"))).isFalse();
    assertThat(
            isCcda(
                "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"/>".getBytes(StandardCharsets.UTF_16)))
        .as("UTF-16 with its BOM")
        .isTrue();
    assertThat(isCcda(utf8("<ClinicalDocument/>"))).as("no namespace").isFalse();
    assertThat(isCcda(utf8("<ClinicalDocument xmlns=\"urn:hl7-org:v2\"/>"))).isFalse();
    assertThat(isCcda(utf8("<html><body>ClinicalDocument</body></html>"))).isFalse();
    assertThat(isCcda(utf8("<Bundle xmlns=\"http://hl7.org/fhir\"/>"))).isFalse();
  }

  @Test
  void fhirIsAJsonObjectWithAResourceType() {
    assertThat(
            isFhir(
                utf8(
                    "  {\"id\":\"x\",\"meta\":{\"resourceType\":\"nested\"},\"resourceType\":\"Patient\"}")))
        .as("found after other keys, not inside them")
        .isTrue();
    assertThat(isFhir(utf8("{\"meta\":{\"resourceType\":\"Patient\"}}"))).isFalse();
    assertThat(isFhir(utf8("{\"resourceType\":\"\"}"))).isFalse();
    assertThat(isFhir(utf8("{\"resourceType\":\"not a type\"}"))).isFalse();
    assertThat(isFhir(utf8("{\"resourceType\":1}"))).isFalse();
    assertThat(isFhir(utf8("[{\"resourceType\":\"Patient\"}]"))).isFalse();
    assertThat(isFhir(utf8("{\"hello\":\"world\"}"))).isFalse();
  }

  @Test
  void anythingElseIsNeitherAndNeverThrows() {
    byte[][] others = {
      new byte[0],
      utf8("plain text"),
      utf8("%PDF-1.7\n%âãÏÓ\n1 0 obj"),
      {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'},
      {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0},
      {'M', 'Z', (byte) 0x90, 0, 3, 0},
      utf8("<unclosed"),
      utf8("{\"resourceType\": "),
    };
    for (byte[] other : others) {
      assertThat(isCcda(other)).isFalse();
      assertThat(isFhir(other)).isFalse();
    }
  }
}
