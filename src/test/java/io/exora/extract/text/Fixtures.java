package io.exora.extract.text;

import io.exora.clinical.ClinicalEvent;
import io.exora.clinical.Extraction;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Test documents under src/test/resources/extract/ and small helpers to look at what they give. */
final class Fixtures {

  static final List<String> CLINICAL = List.of("typed-lab-report.txt", "ocr-lab-report.txt",
      "discharge-summary.txt", "well-child-note.txt", "medication-list.txt");
  static final List<String> NON_CLINICAL = List.of("letter.txt", "bill.txt", "lorem-ipsum.txt");

  private static final ClinicalTextExtractor EXTRACTOR = new ClinicalTextExtractor();

  private Fixtures() {}

  static String text(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/extract/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Extraction extractFixture(String name) {
    return EXTRACTOR.extract(text(name));
  }

  static Extraction extract(String text) {
    return EXTRACTOR.extract(text);
  }

  static <T extends ClinicalEvent> List<T> events(Extraction extraction, Class<T> type) {
    return extraction.events().stream().filter(type::isInstance).map(type::cast).toList();
  }

  static <T extends ClinicalEvent> List<T> events(String text, Class<T> type) {
    return events(extract(text), type);
  }

  static BigDecimal dec(String value) {
    return new BigDecimal(value);
  }
}
