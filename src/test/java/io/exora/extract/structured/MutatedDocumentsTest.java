package io.exora.extract.structured;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.exora.clinical.Allergy;
import io.exora.clinical.ClinicalEvent;
import io.exora.clinical.Condition;
import io.exora.clinical.Immunization;
import io.exora.clinical.LabResult;
import io.exora.clinical.Medication;
import io.exora.clinical.VitalSign;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The sample documents, damaged at random (elements and fields removed, values replaced by
 * nullFlavors, junk, wrong JSON types, absurd numbers), never make a reader throw anything but
 * {@link DocumentFormatException}, and every event they yield keeps the model's invariants. A
 * worker processes whatever users upload; a NullPointerException here would be a failed job with no
 * explanation.
 */
class MutatedDocumentsTest {

  private static final int EXAMPLES = 300;
  private static final String[] JUNK = {
    "",
    " ",
    "x",
    "-1",
    "0",
    "1e999999999",
    "99999999999999999999999999999999999999999999",
    "2025",
    "20251345",
    "NaN",
    "#nowhere",
    "true",
    "N",
    "HH"
  };

  private static final Set<String> VITAL_TYPES =
      Set.of(
          "blood_pressure",
          "heart_rate",
          "temperature",
          "respiratory_rate",
          "oxygen_saturation",
          "weight",
          "height",
          "bmi",
          "blood_glucose",
          "head_circumference",
          "pain_score");
  private static final Set<String> INTERPRETATIONS =
      Set.of("normal", "low", "high", "critical_low", "critical_high", "abnormal");
  private static final Set<String> MEDICATION_STATUSES =
      Set.of("active", "completed", "stopped", "on_hold", "unknown");
  private static final Set<String> CONDITION_STATUSES =
      Set.of("active", "resolved", "inactive", "remission", "unknown");
  private static final Set<String> ALLERGEN_TYPES =
      Set.of("medication", "food", "environmental", "other");
  private static final Set<String> SEVERITIES =
      Set.of("mild", "moderate", "severe", "life_threatening");

  @Test
  void damagedCcdasAreReadOrRefusedCleanly() throws Exception {
    byte[] sample = Samples.sample("ccd-pediatric-visit.xml");
    CcdaReader reader = new CcdaReader();
    qt().withExamples(EXAMPLES)
        .forAll(longs().all())
        .checkAssert(seed -> readsCleanly(reader::read, mutateXml(sample, new Random(seed))));
  }

  @Test
  void damagedFhirBundlesAreReadOrRefusedCleanly() throws Exception {
    JsonNode sample = new ObjectMapper().readTree(Samples.sample("fhir-bundle-adult.json"));
    FhirBundleReader reader = new FhirBundleReader();
    qt().withExamples(EXAMPLES)
        .forAll(longs().all())
        .checkAssert(seed -> readsCleanly(reader::read, mutateJson(sample, new Random(seed))));
  }

  private static void readsCleanly(Function<byte[], ReadResult> read, byte[] document) {
    ReadResult result;
    try {
      result = read.apply(document);
    } catch (DocumentFormatException refused) {
      return; // a clear refusal is a correct outcome for a damaged document
    }
    result.extraction().events().forEach(MutatedDocumentsTest::assertInvariants);
    assertThat(result.notes()).allSatisfy(n -> assertThat(n).isNotBlank());
  }

  /** The invariants the clinical model documents, which the writer and the database rely on. */
  static void assertInvariants(ClinicalEvent e) {
    assertThat(e.name()).isNotBlank().hasSizeLessThanOrEqualTo(Texts.MAX_NAME_CHARS);
    assertThat(e.evidence().sourceText()).hasSizeLessThanOrEqualTo(Texts.MAX_SOURCE_CHARS);
    switch (e) {
      case LabResult r -> {
        assertThat(r.valueNumeric() != null || r.valueText() != null)
            .as("a value for %s", r)
            .isTrue();
        assertThat(r.interpretation()).isIn(nullOr(INTERPRETATIONS));
        assertBounded(r.valueNumeric(), r.referenceLow(), r.referenceHigh());
      }
      case VitalSign v -> {
        assertThat(v.type()).isIn(VITAL_TYPES);
        assertThat(v.value()).isNotNull();
        assertThat(v.secondaryValue() != null).isEqualTo(v.type().equals("blood_pressure"));
        assertBounded(v.value(), v.secondaryValue());
      }
      case Medication m -> {
        assertThat(m.status()).isIn(MEDICATION_STATUSES);
        assertBounded(m.doseAmount());
      }
      case Condition c -> assertThat(c.status()).isIn(CONDITION_STATUSES);
      case Allergy a -> {
        assertThat(a.allergenType()).isIn(nullOr(ALLERGEN_TYPES));
        assertThat(a.severity()).isIn(nullOr(SEVERITIES));
      }
      case Immunization i -> assertThat(i.doseNumber() == null || i.doseNumber() > 0).isTrue();
    }
  }

  private static void assertBounded(BigDecimal... values) {
    for (BigDecimal v : values) {
      if (v != null) {
        assertThat(v.toPlainString()).hasSizeLessThanOrEqualTo(2 * Decimals.MAX_DIGITS + 2);
      }
    }
  }

  private static List<String> nullOr(Set<String> values) {
    List<String> allowed = new ArrayList<>(values);
    allowed.add(null);
    return allowed;
  }

  private static byte[] mutateXml(byte[] sample, Random random) {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setNamespaceAware(true);
      Document doc = factory.newDocumentBuilder().parse(new ByteArrayInputStream(sample));
      NodeList all = doc.getElementsByTagNameNS("*", "*");
      List<Element> elements = new ArrayList<>();
      for (int i = 1; i < all.getLength(); i++) { // never the root
        elements.add((Element) all.item(i));
      }
      int mutations = 1 + random.nextInt(8);
      for (int m = 0; m < mutations; m++) {
        Element target = elements.get(random.nextInt(elements.size()));
        switch (random.nextInt(6)) {
          case 0 -> {
            if (target.getParentNode() != null) {
              target.getParentNode().removeChild(target);
            }
          }
          case 1 -> {
            if (target.getAttributes().getLength() > 0) {
              target.removeAttributeNode(
                  (org.w3c.dom.Attr)
                      target
                          .getAttributes()
                          .item(random.nextInt(target.getAttributes().getLength())));
            }
          }
          case 2 -> {
            if (target.getAttributes().getLength() > 0) {
              org.w3c.dom.Node attr =
                  target.getAttributes().item(random.nextInt(target.getAttributes().getLength()));
              if (!attr.getNodeName().startsWith("xmlns")) {
                attr.setNodeValue(JUNK[random.nextInt(JUNK.length)]);
              }
            }
          }
          case 3 -> target.setAttribute("nullFlavor", random.nextBoolean() ? "NI" : "UNK");
          case 4 -> target.setAttribute("negationInd", "true");
          default -> target.setTextContent(JUNK[random.nextInt(JUNK.length)]);
        }
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      TransformerFactory.newInstance()
          .newTransformer()
          .transform(new DOMSource(doc), new StreamResult(out));
      return out.toByteArray();
    } catch (Exception e) {
      throw new IllegalStateException("could not mutate the sample", e);
    }
  }

  private static byte[] mutateJson(JsonNode sample, Random random) {
    JsonNode doc = sample.deepCopy();
    List<JsonNode> containers = new ArrayList<>();
    collect(doc, containers);
    JsonNodeFactory f = JsonNodeFactory.instance;
    JsonNode[] junk = {
      f.nullNode(),
      f.textNode(""),
      f.textNode("x"),
      f.numberNode(-1),
      f.numberNode(0),
      f.numberNode(new BigDecimal("1e999999999")),
      f.booleanNode(true),
      f.objectNode(),
      f.arrayNode(),
      f.textNode("2025-13-45"),
      f.textNode("entered-in-error"),
      f.textNode("#missing")
    };
    int mutations = 1 + random.nextInt(8);
    for (int m = 0; m < mutations; m++) {
      JsonNode target = containers.get(random.nextInt(containers.size()));
      if (target instanceof ObjectNode object && object.size() > 0) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        String name = names.get(random.nextInt(names.size()));
        if (random.nextBoolean()) {
          object.remove(name);
        } else {
          object.set(name, junk[random.nextInt(junk.length)]);
        }
      } else if (target instanceof ArrayNode array && array.size() > 0) {
        int i = random.nextInt(array.size());
        if (random.nextBoolean()) {
          array.remove(i);
        } else {
          array.set(i, junk[random.nextInt(junk.length)]);
        }
      }
    }
    try {
      return new ObjectMapper().writeValueAsBytes(doc);
    } catch (Exception e) {
      throw new IllegalStateException("could not write the mutated bundle", e);
    }
  }

  private static void collect(JsonNode node, List<JsonNode> containers) {
    if (node.isContainerNode()) {
      containers.add(node);
      node.forEach(child -> collect(child, containers));
    }
  }
}
