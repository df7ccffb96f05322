package io.exora.extract.text;

import io.exora.clinical.VitalSign;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads vital signs: "BP 120/80", "HR 72 bpm", "T 98.6 F", "Temp 37.2 °C", "RR 16",
 * "SpO2 98% on RA", "Wt 70 kg", "Weight: 7 lb 4 oz", "Height 5'10\"", "Length 68 cm", "BMI 24.5",
 * "Fingerstick glucose 110 mg/dL", "HC 44 cm", "Pain 3/10". Units are UCUM codes: mm[Hg], /min,
 * Cel, [degF], %, kg, [lb_av], g, cm, m, [in_i], kg/m2, mg/dL, mmol/L, {score}.
 *
 * <p>The one-letter labels T, P and R count only in a vitals section or beside another vital sign
 * on the line ("T 98.6 P 72 R 16 BP 120/80"). A temperature without a unit is Celsius or Fahrenheit
 * by its value; a weight or height without one is read only in a vitals section, with no unit and a
 * lower confidence. Values no person can have are dropped.
 */
final class VitalReader implements LineReader {

  private record Label(Pattern pattern, VitalKind kind, boolean weak) {}

  private record LabelMatch(Label label, int start, int end, String text) {}

  private record Reading(BigDecimal value, BigDecimal secondary, String unit, boolean inferredUnit,
      boolean missingUnit, int end, boolean ocr) {}

  private static final List<Label> LABELS = new ArrayList<>();

  static {
    label(VitalKind.BLOOD_PRESSURE, false, "blood pressure|b/p|bp|nibp|sbp/dbp");
    label(VitalKind.HEART_RATE, false, "heart rate|pulse rate|apical pulse|pulse|hr");
    label(VitalKind.TEMPERATURE, false, "body temperature|temperature|temp\\.?|tmax|t-max");
    label(VitalKind.RESPIRATORY_RATE, false,
        "respiratory rate|respiration rate|respirations|resp\\.? rate|resp\\.?|rr|breathing rate");
    label(VitalKind.OXYGEN_SATURATION, false, "spo2|sp02|spo₂|sao2|o2 sat(?:uration)?s?"
        + "|oxygen saturation|pulse ox(?:imetry)?|sats?|o2 saturation");
    label(VitalKind.WEIGHT, false, "body weight|birth weight|current weight|weight|wt\\.?");
    label(VitalKind.HEIGHT, false, "recumbent length|body length|length|height|ht\\.?|stature");
    label(VitalKind.BMI, false, "body mass index|bmi");
    label(VitalKind.BLOOD_GLUCOSE, false, "blood glucose|blood sugar|capillary (?:blood )?glucose"
        + "|finger ?stick(?: blood)?(?: glucose)?|poc(?:t)? glucose|point[- ]of[- ]care glucose"
        + "|bedside glucose|glucometer(?: reading)?");
    label(VitalKind.HEAD_CIRCUMFERENCE, false,
        "head circumference|head circ\\.?|occipitofrontal circumference");
    label(VitalKind.PAIN_SCORE, false, "pain score|pain scale|pain level|pain severity|pain");
    exact(VitalKind.BLOOD_GLUCOSE, "BG|CBG|FSBG|FSBS");
    exact(VitalKind.HEAD_CIRCUMFERENCE, "HC|OFC");
    exact(VitalKind.TEMPERATURE, "T", true);
    exact(VitalKind.HEART_RATE, "P", true);
    exact(VitalKind.RESPIRATORY_RATE, "R", true);
  }

  private static final Pattern VITALS_GLUCOSE = Pattern.compile(
      "(?<![\\p{L}\\d])glucose(?![\\p{L}])", Pattern.CASE_INSENSITIVE);
  private static final Pattern LEAD = Pattern.compile(
      "(?:\\s|[:=]|-(?!\\d)|\\((?:[^()\\d]{1,20})\\)|\\b(?:is|was|of|at|measured|today|now"
          + "|recorded|oral|orally|axillary|rectal|tympanic|temporal|sitting|standing|supine)\\b)*",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern SLASH = Pattern.compile("\\s*/\\s*");
  /** Words just before a vital's label that make it someone else's. */
  private static final Pattern NOT_THE_PATIENTS = Pattern.compile(
      "(?<![\\p{L}])(?:fetal|foetal|fetus|fhr)\\s*$", Pattern.CASE_INSENSITIVE);
  private static final Pattern REPEAT_PRESSURE = Pattern.compile(
      "\\s*[,;]?\\s*(?:and\\s+)?(?:repeat(?:ed)?|recheck(?:ed)?|re-check(?:ed)?|second reading"
          + "|2nd reading)\\s*(?:bp\\s*)?[:=]?\\s*(\\d{2,3})\\s*/\\s*(\\d{2,3})(?:\\s*(?:mm\\s*hg|mm\\[hg\\]))?",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern MM_HG = Pattern.compile("\\s*(?:mm\\s*hg|mm\\[hg\\])",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern TEMP_UNIT = Pattern.compile(
      "\\s*(?:°|º|deg(?:rees)?\\.?)?\\s*(c|f|celsius|centigrade|fahrenheit)(?![\\p{L}])",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern WEIGHT_UNIT = Pattern.compile(
      "\\s*(kg|kgs|kilograms?|lbs?|pounds?|#|g|gm|grams?)(?![\\p{L}])", Pattern.CASE_INSENSITIVE);
  private static final Pattern OUNCES = Pattern.compile(
      "\\s*(\\d{1,2}(?:\\.\\d+)?)\\s*(?:oz|ounces?)(?![\\p{L}])", Pattern.CASE_INSENSITIVE);
  private static final Pattern FEET_INCHES = Pattern.compile(
      "(\\d)\\s*(?:'|ft\\.?|feet|foot)\\s*(?:(\\d{1,2}(?:\\.\\d+)?)\\s*(?:\"|''|in\\.?|inches)?)?",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern LENGTH_UNIT = Pattern.compile(
      "\\s*(cm|m|in|inches|\")(?![\\p{L}])", Pattern.CASE_INSENSITIVE);
  private static final Pattern BMI_UNIT = Pattern.compile("\\s*kg\\s*/\\s*m(?:2|\\^2|²)",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern RATE_UNIT = Pattern.compile("\\s*(?:bpm|beats\\s*/\\s*min|beats per "
      + "minute|breaths\\s*/\\s*min|breaths per minute|/\\s*min|per min(?:ute)?|b/min|rpm)",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern PERCENT = Pattern.compile("\\s*%");
  private static final Pattern GLUCOSE_UNIT = Pattern.compile("\\s*(mg\\s*/\\s*dl|mmol\\s*/\\s*l)",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern OUT_OF_TEN = Pattern.compile("\\s*(?:/\\s*10|out of 10)(?!\\d)",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern NOT_A_VITAL = Pattern.compile(
      "\\s*(?:/\\s*\\d|%ile|(?:st|nd|rd|th)\\b|days?\\b|weeks?\\b|months?\\b|years?\\b|hours?\\b"
          + "|x\\b|times\\b)", Pattern.CASE_INSENSITIVE);

  private static void label(VitalKind kind, boolean weak, String names) {
    LABELS.add(new Label(Pattern.compile("(?<![\\p{L}\\d])(?:" + names + ")(?![\\p{L}])",
        Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE), kind, weak));
  }

  private static void exact(VitalKind kind, String names) {
    exact(kind, names, false);
  }

  private static void exact(VitalKind kind, String names, boolean weak) {
    LABELS.add(new Label(Pattern.compile("(?<![\\p{L}\\d])(?:" + names + ")(?![\\p{L}])"),
        kind, weak));
  }

  @Override
  public List<Found> read(Line line, DocumentDates dates) {
    boolean vitalsSection = line.section() == Section.VITALS;
    String text = line.text();
    List<LabelMatch> labels = labels(text, vitalsSection);
    boolean strongPresent = labels.stream().anyMatch(l -> !l.label().weak());
    OcrDigits ocr = OcrDigits.of(text);
    List<Found> found = new ArrayList<>();
    for (int i = 0; i < labels.size(); i++) {
      LabelMatch label = labels.get(i);
      if (label.label().weak() && !vitalsSection && !(strongPresent && labels.size() >= 2)) {
        continue;
      }
      int limit = i + 1 < labels.size() ? labels.get(i + 1).start() : text.length();
      if (NOT_THE_PATIENTS.matcher(text.substring(0, label.start())).find()) {
        continue;  // "Fetal heart rate 148 bpm" at a prenatal visit is the baby's, not hers
      }
      Optional<Reading> reading = read(label, text, ocr, limit, vitalsSection);
      if (reading.isEmpty()) {
        continue;
      }
      Reading r = reading.get();
      VitalKind kind = label.label().kind();
      boolean lying = kind == VitalKind.HEIGHT && label.text().toLowerCase().contains("length");
      Score score = new Score(0.95)
          .minusIf(!vitalsSection, Score.OUTSIDE_SECTION)
          .minusIf(label.label().weak(), Score.WEAK_LABEL)
          .minusIf(r.inferredUnit(), Score.INFERRED_UNIT)
          .minusIf(r.missingUnit(), Score.MISSING_UNIT)
          .ocr(r.ocr());
      String loinc = lying ? VitalKind.LENGTH_LOINC : kind.loinc;
      found.add(new Found(new VitalSign(kind.display, kind.type, r.value(), r.secondary(),
          r.unit(), loinc, DocumentDates.eventDate(line, label.start()), score.evidence(text)),
          label.start(), r.end()));
      if (kind == VitalKind.BLOOD_PRESSURE) {
        // "BP 146/92, repeat 144/90": the second reading has no label of its own.
        Matcher again = REPEAT_PRESSURE.matcher(text).region(r.end(), limit);
        if (again.lookingAt()) {
          BigDecimal systolic = new BigDecimal(again.group(1));
          BigDecimal diastolic = new BigDecimal(again.group(2));
          if (diastolic.compareTo(systolic) < 0 && kind.plausible(systolic, r.unit())
              && kind.plausible(diastolic, r.unit())) {
            found.add(new Found(new VitalSign(kind.display, kind.type, systolic, diastolic,
                r.unit(), loinc, DocumentDates.eventDate(line, label.start()),
                score.evidence(text)), again.start(1), again.end()));
          }
        }
      }
    }
    return found;
  }

  private static List<LabelMatch> labels(String text, boolean vitalsSection) {
    List<LabelMatch> all = new ArrayList<>();
    for (Label label : LABELS) {
      Matcher m = label.pattern().matcher(text);
      while (m.find()) {
        all.add(new LabelMatch(label, m.start(), m.end(), m.group()));
      }
    }
    if (vitalsSection) {
      Matcher m = VITALS_GLUCOSE.matcher(text);
      Label glucose = new Label(VITALS_GLUCOSE, VitalKind.BLOOD_GLUCOSE, false);
      while (m.find()) {
        all.add(new LabelMatch(glucose, m.start(), m.end(), m.group()));
      }
    }
    all.sort(Comparator.comparingInt(LabelMatch::start)
        .thenComparing(Comparator.comparingInt((LabelMatch l) -> l.end() - l.start()).reversed()));
    List<LabelMatch> chosen = new ArrayList<>();
    int coveredTo = -1;
    for (LabelMatch l : all) {
      if (l.start() >= coveredTo) {
        chosen.add(l);
        coveredTo = l.end();
      }
    }
    return chosen;
  }

  private Optional<Reading> read(LabelMatch label, String text, OcrDigits ocr, int limit,
      boolean vitalsSection) {
    Matcher lead = LEAD.matcher(text).region(label.end(), limit);
    int p = lead.lookingAt() ? lead.end() : label.end();
    VitalKind kind = label.label().kind();
    if (kind == VitalKind.HEIGHT) {
      Matcher feet = FEET_INCHES.matcher(ocr.text()).region(p, limit);
      if (feet.lookingAt()) {
        BigDecimal inches = new BigDecimal(feet.group(1)).multiply(BigDecimal.valueOf(12))
            .add(feet.group(2) == null ? BigDecimal.ZERO : new BigDecimal(feet.group(2)));
        return plausible(kind, new Reading(inches, null, "[in_i]", false, false, feet.end(),
            ocr.corrected(feet.start(), feet.end())));
      }
    }
    Optional<Numbers.Num> first = Numbers.at(ocr, p);
    if (first.isEmpty() || first.get().comparator() != null || first.get().end() > limit) {
      return Optional.empty();
    }
    Numbers.Num n = first.get();
    int end = n.end();
    if (kind == VitalKind.BLOOD_PRESSURE) {
      Matcher slash = SLASH.matcher(text).region(end, limit);
      Optional<Numbers.Num> second = slash.lookingAt()
          ? Numbers.at(ocr, slash.end()) : Optional.empty();
      if (second.isEmpty() || second.get().comparator() != null
          || second.get().value().compareTo(n.value()) >= 0
          || second.get().value().compareTo(BigDecimal.valueOf(20)) < 0) {
        return Optional.empty();
      }
      end = second.get().end();
      Matcher unit = MM_HG.matcher(text).region(end, limit);
      end = unit.lookingAt() ? unit.end() : end;
      return plausible(kind, new Reading(n.value(), second.get().value(), "mm[Hg]", false, false,
          end, n.ocrCorrected() || second.get().ocrCorrected()));
    }
    if (kind == VitalKind.PAIN_SCORE) {
      Matcher outOf = OUT_OF_TEN.matcher(text).region(end, limit);
      boolean explicit = outOf.lookingAt();
      if (!explicit && !vitalsSection && label.text().equalsIgnoreCase("pain")) {
        return Optional.empty();
      }
      return plausible(kind, new Reading(n.value(), null, "{score}", false, false,
          explicit ? outOf.end() : end, n.ocrCorrected()));
    }
    if (NOT_A_VITAL.matcher(text).region(end, text.length()).lookingAt()) {
      return Optional.empty();
    }
    return switch (kind) {
      case TEMPERATURE -> temperature(n, text, end, limit);
      case WEIGHT -> weight(n, text, end, limit, vitalsSection);
      case HEIGHT, HEAD_CIRCUMFERENCE -> length(kind, n, text, end, limit, vitalsSection);
      case BMI -> conventional(kind, n, text, BMI_UNIT, "kg/m2", end, limit);
      case HEART_RATE, RESPIRATORY_RATE ->
          conventional(kind, n, text, RATE_UNIT, "/min", end, limit);
      case OXYGEN_SATURATION -> {
        Matcher pct = PERCENT.matcher(text).region(end, limit);
        boolean hasPercent = pct.lookingAt();
        if (!hasPercent && !vitalsSection) {
          yield Optional.empty();
        }
        yield plausible(kind, new Reading(n.value(), null, "%", false, false,
            hasPercent ? pct.end() : end, n.ocrCorrected()));
      }
      case BLOOD_GLUCOSE -> glucose(n, text, end, limit);
      default -> Optional.empty();
    };
  }

  private static Optional<Reading> temperature(Numbers.Num n, String text, int end, int limit) {
    Matcher unit = TEMP_UNIT.matcher(text).region(end, limit);
    if (unit.lookingAt()) {
      String ucum = Character.toLowerCase(unit.group(1).charAt(0)) == 'f' ? "[degF]" : "Cel";
      return plausible(VitalKind.TEMPERATURE,
          new Reading(n.value(), null, ucum, false, false, unit.end(), n.ocrCorrected()));
    }
    double v = n.value().doubleValue();
    String inferred = v >= 30 && v <= 45 ? "Cel" : v >= 86 && v <= 113 ? "[degF]" : null;
    if (inferred == null) {
      return Optional.empty();
    }
    return Optional.of(new Reading(n.value(), null, inferred, true, false, end, n.ocrCorrected()));
  }

  private static Optional<Reading> weight(Numbers.Num n, String text, int end, int limit,
      boolean vitalsSection) {
    Matcher unit = WEIGHT_UNIT.matcher(text).region(end, limit);
    if (!unit.lookingAt()) {
      return vitalsSection ? plausible(VitalKind.WEIGHT,
          new Reading(n.value(), null, null, false, true, end, n.ocrCorrected())) : Optional.empty();
    }
    String printed = unit.group(1).toLowerCase();
    if (printed.startsWith("k")) {
      return plausible(VitalKind.WEIGHT,
          new Reading(n.value(), null, "kg", false, false, unit.end(), n.ocrCorrected()));
    }
    if (printed.startsWith("g")) {
      return plausible(VitalKind.WEIGHT,
          new Reading(n.value(), null, "g", false, false, unit.end(), n.ocrCorrected()));
    }
    BigDecimal pounds = n.value();
    int stop = unit.end();
    Matcher ounces = OUNCES.matcher(text).region(stop, limit);
    if (ounces.lookingAt()) {
      // "7 lb 4 oz": the model holds one value, so ounces become a fraction of a pound.
      pounds = pounds.add(new BigDecimal(ounces.group(1))
          .divide(BigDecimal.valueOf(16), 4, java.math.RoundingMode.HALF_UP)).stripTrailingZeros();
      stop = ounces.end();
    }
    return plausible(VitalKind.WEIGHT,
        new Reading(pounds, null, "[lb_av]", false, false, stop, n.ocrCorrected()));
  }

  private static Optional<Reading> length(VitalKind kind, Numbers.Num n, String text, int end,
      int limit, boolean vitalsSection) {
    Matcher unit = LENGTH_UNIT.matcher(text).region(end, limit);
    if (unit.lookingAt()) {
      String printed = unit.group(1).toLowerCase();
      String ucum = switch (printed) {
        case "cm" -> "cm";
        case "m" -> "m";
        default -> "[in_i]";
      };
      return plausible(kind,
          new Reading(n.value(), null, ucum, false, false, unit.end(), n.ocrCorrected()));
    }
    if (!vitalsSection) {
      return Optional.empty();
    }
    if (kind == VitalKind.HEAD_CIRCUMFERENCE) {
      return plausible(kind, new Reading(n.value(), null, "cm", true, false, end, n.ocrCorrected()));
    }
    return plausible(kind, new Reading(n.value(), null, null, false, true, end, n.ocrCorrected()));
  }

  private static Optional<Reading> glucose(Numbers.Num n, String text, int end, int limit) {
    Matcher unit = GLUCOSE_UNIT.matcher(text).region(end, limit);
    if (unit.lookingAt()) {
      String ucum = unit.group(1).toLowerCase().startsWith("mg") ? "mg/dL" : "mmol/L";
      return plausible(VitalKind.BLOOD_GLUCOSE,
          new Reading(n.value(), null, ucum, false, false, unit.end(), n.ocrCorrected()));
    }
    if (n.value().compareTo(BigDecimal.valueOf(40)) < 0) {
      return Optional.empty();
    }
    return plausible(VitalKind.BLOOD_GLUCOSE,
        new Reading(n.value(), null, "mg/dL", true, false, end, n.ocrCorrected()));
  }

  private static Optional<Reading> conventional(VitalKind kind, Numbers.Num n, String text,
      Pattern unitPattern, String ucum, int end, int limit) {
    Matcher unit = unitPattern.matcher(text).region(end, limit);
    return plausible(kind, new Reading(n.value(), null, ucum, false, false,
        unit.lookingAt() ? unit.end() : end, n.ocrCorrected()));
  }

  private static Optional<Reading> plausible(VitalKind kind, Reading r) {
    boolean ok = kind.plausible(r.value(), r.unit())
        && (r.secondary() == null || kind.plausible(r.secondary(), r.unit()) || r.secondary()
            .compareTo(BigDecimal.valueOf(20)) >= 0);
    return ok ? Optional.of(r) : Optional.empty();
  }
}
