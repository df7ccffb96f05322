package io.exora.extract.accuracy;

import io.exora.clinical.Extraction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The scores of a whole set: per document, per type, per delivery, and attribute agreement. */
public final class AccuracyRun {

  /** One document's extraction and score. */
  public record Scored(AccuracySet.Document document, Extraction extraction,
      AccuracyMatcher.DocumentScore score) {}

  private final List<Scored> documents = new ArrayList<>();

  public void add(AccuracySet.Document document, Extraction extraction) {
    documents.add(new Scored(document, extraction,
        AccuracyMatcher.score(document.labels(), extraction)));
  }

  public List<Scored> documents() {
    return List.copyOf(documents);
  }

  /** Tallies per type over the whole set, in {@link AccuracyMatcher#TYPES} order. */
  public Map<String, Tally> byType() {
    return byType(null);
  }

  /** Tallies per type over the documents of one delivery (all when null). */
  public Map<String, Tally> byType(AccuracySet.Delivery delivery) {
    Map<String, Tally> out = new LinkedHashMap<>();
    for (String type : AccuracyMatcher.TYPES) {
      out.put(type, Tally.ZERO);
    }
    for (Scored s : documents) {
      if (delivery == null || s.document().delivery() == delivery) {
        s.score().byType().forEach((type, t) -> out.merge(type, t, Tally::plus));
      }
    }
    return out;
  }

  /** All clinical events (every type but the document date). */
  public Tally overall() {
    return overall(null);
  }

  public Tally overall(AccuracySet.Delivery delivery) {
    return byType(delivery).entrySet().stream()
        .filter(e -> !e.getKey().equals(AccuracyMatcher.DOCUMENT_DATE))
        .map(Map.Entry::getValue).reduce(Tally.ZERO, Tally::plus);
  }

  /** For each attribute ("lab.unit"), how many matched pairs agreed and how many were compared. */
  public Map<String, int[]> attributeAgreement() {
    Map<String, int[]> out = new TreeMap<>();
    for (Scored s : documents) {
      for (AccuracyMatcher.Attribute a : s.score().attributes()) {
        int[] counts = out.computeIfAbsent(a.name(), k -> new int[2]);
        counts[0] += a.agrees() ? 1 : 0;
        counts[1]++;
      }
    }
    return out;
  }
}
