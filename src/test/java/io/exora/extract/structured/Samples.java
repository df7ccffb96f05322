package io.exora.extract.structured;

import static org.assertj.core.api.Assertions.assertThat;

import io.exora.clinical.ClinicalEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import org.assertj.core.api.recursive.comparison.RecursiveComparisonConfiguration;

/** Test helpers: the shipped sample documents, and comparing events without their evidence. */
final class Samples {

  private Samples() {}

  /** A document from src/main/resources/samples, read from the classpath as the demo reads it. */
  static byte[] sample(String name) {
    try (InputStream in = Samples.class.getResourceAsStream("/samples/" + name)) {
      assertThat(in).as("sample %s on the classpath", name).isNotNull();
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static BigDecimal dec(String value) {
    return new BigDecimal(value);
  }

  static LocalDate date(String iso) {
    return LocalDate.parse(iso);
  }

  /**
   * Asserts the events equal the expected ones in order, field by field, with numbers compared by
   * value ("4.40" equals "4.4") and evidence left to separate assertions.
   */
  static void assertEvents(List<ClinicalEvent> actual, ClinicalEvent... expected) {
    RecursiveComparisonConfiguration byValue =
        RecursiveComparisonConfiguration.builder()
            .withIgnoredFields("evidence")
            .withComparatorForType(
                Comparator.nullsFirst(Comparator.<BigDecimal>naturalOrder()), BigDecimal.class)
            .build();
    assertThat(actual)
        .usingRecursiveFieldByFieldElementComparator(byValue)
        .containsExactly(expected);
  }
}
