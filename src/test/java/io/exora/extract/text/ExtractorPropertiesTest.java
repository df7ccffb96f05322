package io.exora.extract.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import com.fasterxml.jackson.databind.JsonNode;
import io.exora.clinical.ClinicalEvent;
import io.exora.clinical.Extraction;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Whatever the text, the extractor answers: no exception, output that fits the schema, and a
 * review flag on every event below the confidence threshold. Inputs are random characters, and
 * documents stitched from the fixtures' lines with OCR-style damage.
 */
class ExtractorPropertiesTest {

  private static final JsonNode SCHEMA = ExtractionJson.schema();
  private static final ClinicalTextExtractor EXTRACTOR = new ClinicalTextExtractor();
  private static final List<String> LINES = new ArrayList<>();

  static {
    for (String fixture : Fixtures.CLINICAL) {
      LINES.addAll(Fixtures.text(fixture).lines().toList());
    }
    for (String fixture : Fixtures.NON_CLINICAL) {
      LINES.addAll(Fixtures.text(fixture).lines().toList());
    }
  }

  @Test
  void randomTextNeverBreaksTheExtractor() {
    qt().withExamples(300).forAll(strings().allPossible().ofLengthBetween(0, 300))
        .checkAssert(ExtractorPropertiesTest::holds);
    qt().withExamples(300).forAll(strings().basicLatinAlphabet().ofLengthBetween(0, 600))
        .checkAssert(ExtractorPropertiesTest::holds);
  }

  @Test
  void damagedAndShuffledDocumentsNeverBreakTheExtractor() {
    qt().withExamples(200).forAll(documents()).checkAssert(ExtractorPropertiesTest::holds);
  }

  private static Gen<String> documents() {
    Gen<List<Integer>> picks = lists().of(integers().between(0, LINES.size() - 1))
        .ofSizeBetween(1, 60);
    Gen<Integer> damage = integers().between(0, 5);
    return picks.zip(damage, (lines, kind) -> {
      StringBuilder doc = new StringBuilder();
      for (int i : lines) {
        doc.append(damage(LINES.get(i), kind + i)).append('\n');
      }
      return doc.toString();
    });
  }

  /** OCR-like damage, chosen by a number so the generator stays deterministic per example. */
  private static String damage(String line, int kind) {
    return switch (kind % 6) {
      case 0 -> line;
      case 1 -> line.replace('1', 'l').replace('0', 'O');
      case 2 -> line.replace(" ", "  ").replace(".", " .");
      case 3 -> line.toUpperCase();
      case 4 -> line.replaceAll("(\\d)(\\d)", "$1 $2");
      default -> line.length() > 10 ? line.substring(line.length() / 3) : line;
    };
  }

  private static void holds(String text) {
    Extraction extraction = EXTRACTOR.extract(text);
    assertThat(SchemaValidator.validate(SCHEMA, ExtractionJson.toJson(extraction))).isEmpty();
    for (ClinicalEvent event : extraction.events()) {
      if (event.evidence().confidence() < Score.REVIEW_BELOW) {
        assertThat(event.evidence().requiresReview()).as(event.toString()).isTrue();
      }
      assertThat(event.name()).isNotBlank();
    }
  }
}
