package io.exora.extract.accuracy;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Tables of an {@link AccuracyRun}: per type, per delivery, attribute agreement, and the errors. */
public final class AccuracyReport {

  private AccuracyReport() {}

  /** The per-type table: expected, extracted, TP, FP, FN, precision, recall, F1. */
  public static String typeTable(Map<String, Tally> byType, Tally overall) {
    StringBuilder b = new StringBuilder(
        "| event type | labelled | extracted | TP | FP | FN | precision | recall | F1 |\n"
            + "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    byType.forEach((type, t) -> b.append(row(type, t)));
    b.append(row("**all events** (not the document date)", overall));
    return b.toString();
  }

  private static String row(String name, Tally t) {
    return String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %d | %s | %s | %s |%n", name,
        t.expected(), t.extracted(), t.truePositives(), t.falsePositives(), t.falseNegatives(),
        pct(t.precision()), pct(t.recall()), pct(t.f1()));
  }

  /** Overall precision and recall per delivery (text, typed PDF, scanned PNG). */
  public static String deliveryTable(AccuracyRun run) {
    StringBuilder b = new StringBuilder(
        "| read path | documents | labelled | TP | FP | FN | precision | recall | F1 |\n"
            + "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (AccuracySet.Delivery d : AccuracySet.Delivery.values()) {
      long docs = run.documents().stream().filter(s -> s.document().delivery() == d).count();
      Tally t = run.overall(d);
      b.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %d | %s | %s | %s |%n",
          switch (d) {
            case TEXT -> "plain text";
            case PDF -> "typed PDF (PDFBox text layer)";
            case PNG -> "scanned PNG (Tesseract OCR)";
          }, docs, t.expected(), t.truePositives(), t.falsePositives(), t.falseNegatives(),
          pct(t.precision()), pct(t.recall()), pct(t.f1())));
    }
    return b.toString();
  }

  public static String attributeTable(AccuracyRun run) {
    StringBuilder b = new StringBuilder("| attribute (on matched events) | agree | compared | agreement |\n"
        + "|---|---:|---:|---:|\n");
    run.attributeAgreement().forEach((name, c) -> b.append(String.format(Locale.ROOT,
        "| %s | %d | %d | %s |%n", name, c[0], c[1], pct(c[1] == 0 ? Double.NaN
            : (double) c[0] / c[1]))));
    return b.toString();
  }

  /** Every missed and spurious event, per document: what to read when a figure moves. */
  public static String errors(AccuracyRun run) {
    StringBuilder b = new StringBuilder();
    for (AccuracyRun.Scored s : run.documents()) {
      List<String> missed = s.score().missed();
      List<String> spurious = s.score().spurious();
      List<AccuracyMatcher.Attribute> disagreements = s.score().attributes().stream()
          .filter(a -> !a.agrees()).toList();
      if (missed.isEmpty() && spurious.isEmpty() && disagreements.isEmpty()) {
        continue;
      }
      b.append("== ").append(s.document().name()).append(" (")
          .append(s.document().delivery().name().toLowerCase(Locale.ROOT)).append(")\n");
      missed.forEach(m -> b.append("  missed:   ").append(m).append('\n'));
      spurious.forEach(m -> b.append("  spurious: ").append(m).append('\n'));
      disagreements.forEach(a -> b.append("  attr:     ").append(a.name()).append(" expected '")
          .append(a.expected()).append("' got '").append(a.observed()).append("'\n"));
    }
    return b.toString();
  }

  public static String pct(double ratio) {
    return Double.isNaN(ratio) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * ratio);
  }
}
