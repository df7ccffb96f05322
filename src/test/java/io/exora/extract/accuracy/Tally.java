package io.exora.extract.accuracy;

/**
 * True positives, false positives and false negatives for one event type; precision, recall and
 * F1 from them (NaN where the denominator is zero: no events extracted, or none expected).
 */
public record Tally(int truePositives, int falsePositives, int falseNegatives) {

  public static final Tally ZERO = new Tally(0, 0, 0);

  public Tally plus(Tally other) {
    return new Tally(truePositives + other.truePositives, falsePositives + other.falsePositives,
        falseNegatives + other.falseNegatives);
  }

  public int expected() {
    return truePositives + falseNegatives;
  }

  public int extracted() {
    return truePositives + falsePositives;
  }

  public double precision() {
    return ratio(truePositives, extracted());
  }

  public double recall() {
    return ratio(truePositives, expected());
  }

  public double f1() {
    double p = precision();
    double r = recall();
    if (Double.isNaN(p) || Double.isNaN(r)) {
      return Double.NaN;
    }
    return p + r == 0 ? 0 : 2 * p * r / (p + r);
  }

  private static double ratio(int numerator, int denominator) {
    return denominator == 0 ? Double.NaN : (double) numerator / denominator;
  }
}
