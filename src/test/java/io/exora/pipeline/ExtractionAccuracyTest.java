package io.exora.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.exora.extract.accuracy.AccuracyReport;
import io.exora.extract.accuracy.AccuracyRun;
import io.exora.extract.accuracy.AccuracySet;
import io.exora.extract.accuracy.Tally;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Extraction accuracy on the hand-labelled set ({@code src/test/resources/accuracy/}), read the way
 * the processing handler reads uploads (text, PDF text layer, OCR) and extracted by the offline
 * extractor. The floors sit just below the figures measured when they were set (see the
 * "Extraction accuracy" section of docs/benchmarks.md, written by {@code bench/extraction/run}), so
 * a change that loses accuracy fails here; a change that gains some should raise them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExtractionAccuracyTest {

  /** Per type: {precision floor, recall floor}, in percent. */
  private static final Map<String, double[]> FLOORS = Map.of(
      "lab", new double[] {99, 86},
      "vital", new double[] {99, 95},
      "medication", new double[] {86, 69},
      "condition", new double[] {90, 92},
      "allergy", new double[] {93, 90},
      "immunization", new double[] {93, 66},
      "document_date", new double[] {94, 94});
  private static final double[] OVERALL_FLOOR = {95, 84};

  private AccuracyRun run;

  @BeforeAll
  void runTheSet(@TempDir Path work) throws Exception {
    run = new AccuracyDocuments().run(AccuracySet.fromClasspath(), work);
    System.out.println(AccuracyReport.typeTable(run.byType(), run.overall()));
  }

  @Test
  void theSetIsLargeAndVariedEnoughToMeasure() {
    List<AccuracyRun.Scored> docs = run.documents();
    assertThat(docs).hasSizeGreaterThanOrEqualTo(30);
    for (AccuracySet.Delivery d : AccuracySet.Delivery.values()) {
      assertThat(docs).filteredOn(s -> s.document().delivery() == d)
          .as("documents read as %s", d).hasSizeGreaterThanOrEqualTo(3);
    }
    run.byType().forEach((type, t) ->
        assertThat(t.expected()).as("labelled %s events", type).isGreaterThanOrEqualTo(25));
  }

  @Test
  void precisionAndRecallPerTypeStayAboveTheirFloors() {
    SoftAssertions soft = new SoftAssertions();
    run.byType().forEach((type, t) -> {
      double[] floor = FLOORS.get(type);
      soft.assertThat(100 * t.precision()).as("%s precision (%s)", type, t).isGreaterThanOrEqualTo(floor[0]);
      soft.assertThat(100 * t.recall()).as("%s recall (%s)", type, t).isGreaterThanOrEqualTo(floor[1]);
    });
    Tally all = run.overall();
    soft.assertThat(100 * all.precision()).as("overall precision (%s)", all).isGreaterThanOrEqualTo(OVERALL_FLOOR[0]);
    soft.assertThat(100 * all.recall()).as("overall recall (%s)", all).isGreaterThanOrEqualTo(OVERALL_FLOOR[1]);
    soft.assertAll();
  }

  @Test
  void everyReadPathFindsMostOfItsEvents() {
    for (AccuracySet.Delivery d : AccuracySet.Delivery.values()) {
      Tally t = run.overall(d);
      assertThat(100 * t.recall()).as("recall for %s (%s)", d, t).isGreaterThanOrEqualTo(65);
      assertThat(100 * t.precision()).as("precision for %s (%s)", d, t).isGreaterThanOrEqualTo(90);
    }
  }
}
