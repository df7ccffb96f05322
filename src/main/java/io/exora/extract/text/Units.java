package io.exora.extract.text;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The units of laboratory results, as printed ("x10^3/uL", "K/µL", "mg/dl", "mL/min/1.73m2") and as
 * their UCUM codes ("10*3/uL", "mg/dL", "mL/min/{1.73_m2}"), which is what events carry, so a FHIR
 * export can use them unchanged. A unit not listed here is not recognised as a unit at all.
 *
 * <p>Each unit has a {@link Dimension}, used to tell apart tests that share a name (neutrophils in
 * % or per microlitre) and to notice a unit that does not fit the test.
 */
final class Units {

  enum Dimension { MASS_CONCENTRATION, SUBSTANCE_CONCENTRATION, COUNT, PERCENT, ENZYME, ARBITRARY,
    TIME, VOLUME, MASS, RATE, FILTRATION, RATIO, OSMOLALITY }

  record Unit(String ucum, Dimension dimension) {}

  record Match(Unit unit, int start, int end) {}

  private record Variant(String printed, Pattern pattern, Unit unit) {

    /** Whether the unit could start with this character; most positions hold no unit at all. */
    boolean mayStartWith(char c) {
      char first = printed.charAt(0);
      char lower = Character.toLowerCase(c);
      return switch (first) {
        case 'u' -> lower == 'u' || c == 'µ' || c == 'μ';
        case 'x' -> lower == 'x' || c == '×';
        default -> lower == first;
      };
    }
  }

  private static final List<Variant> VARIANTS = new ArrayList<>();

  static {
    unit("g/dL", Dimension.MASS_CONCENTRATION, "g/dl", "gm/dl", "g/100ml");
    unit("g/L", Dimension.MASS_CONCENTRATION, "g/l");
    unit("mg/dL", Dimension.MASS_CONCENTRATION, "mg/dl");
    unit("mg/L", Dimension.MASS_CONCENTRATION, "mg/l");
    unit("ug/dL", Dimension.MASS_CONCENTRATION, "ug/dl", "mcg/dl");
    unit("ug/L", Dimension.MASS_CONCENTRATION, "ug/l", "mcg/l");
    unit("ug/mL{FEU}", Dimension.MASS_CONCENTRATION, "ug/ml feu", "mcg/ml feu");
    unit("ng/mL{FEU}", Dimension.MASS_CONCENTRATION, "ng/ml feu");
    unit("ug/mL", Dimension.MASS_CONCENTRATION, "ug/ml", "mcg/ml");
    unit("ng/mL", Dimension.MASS_CONCENTRATION, "ng/ml");
    unit("ng/dL", Dimension.MASS_CONCENTRATION, "ng/dl");
    unit("pg/mL", Dimension.MASS_CONCENTRATION, "pg/ml");
    unit("mmol/L", Dimension.SUBSTANCE_CONCENTRATION, "mmol/l");
    unit("umol/L", Dimension.SUBSTANCE_CONCENTRATION, "umol/l", "micromol/l");
    unit("nmol/L", Dimension.SUBSTANCE_CONCENTRATION, "nmol/l");
    unit("pmol/L", Dimension.SUBSTANCE_CONCENTRATION, "pmol/l");
    unit("meq/L", Dimension.SUBSTANCE_CONCENTRATION, "meq/l");
    unit("mmol/mol", Dimension.RATIO, "mmol/mol");
    unit("U/L", Dimension.ENZYME, "u/l", "units/l");
    unit("[IU]/L", Dimension.ENZYME, "iu/l");
    unit("[IU]/mL", Dimension.ARBITRARY, "iu/ml");
    unit("m[IU]/mL", Dimension.ARBITRARY, "miu/ml");
    unit("m[IU]/L", Dimension.ARBITRARY, "miu/l");
    unit("u[IU]/mL", Dimension.ARBITRARY, "uiu/ml", "microiu/ml", "mciu/ml", "ulu/ml");
    unit("10*3/uL", Dimension.COUNT, "x10^3/ul", "x10e3/ul", "x10(3)/ul", "x10*3/ul", "x10 3/ul",
        "10^3/ul", "10*3/ul", "10e3/ul", "k/ul", "thou/ul", "th/ul", "thou/mm3", "k/mm3",
        "x10^3/mm3", "10^3/mm3", "x1000/ul", "x10^9/l", "x10e9/l", "10^9/l", "10*9/l", "x10(9)/l");
    unit("10*6/uL", Dimension.COUNT, "x10^6/ul", "x10e6/ul", "x10(6)/ul", "x10*6/ul", "10^6/ul",
        "10*6/ul", "10e6/ul", "m/ul", "mil/ul", "mill/ul", "million/ul", "x10^6/mm3", "10^6/mm3",
        "x10^12/l", "x10e12/l", "10^12/l", "10*12/l", "x10(12)/l");
    unit("/uL", Dimension.COUNT, "cells/ul", "/ul", "/mm3", "cells/mm3");
    unit("/[HPF]", Dimension.COUNT, "/hpf", "per hpf", "cells/hpf");
    unit("/[LPF]", Dimension.COUNT, "/lpf", "per lpf");
    unit("%", Dimension.PERCENT, "%", "percent");
    unit("fL", Dimension.VOLUME, "fl", "um3", "cu microns");
    unit("pg", Dimension.MASS, "pg", "pg/cell");
    unit("mm/h", Dimension.RATE, "mm/hr", "mm/h", "mm/hour", "mm/1hr");
    unit("s", Dimension.TIME, "seconds", "secs", "sec", "s");
    unit("mL/min/{1.73_m2}", Dimension.FILTRATION, "ml/min/1.73m2", "ml/min/1.73 m2",
        "ml/min/1.73m^2", "ml/min/1.73 m^2", "ml/min/1.73sqm", "ml/min/1.73 sq m",
        "ml/min/1.73 sq.m", "ml/min/1.73", "ml/min");
    unit("mg/g", Dimension.RATIO, "mg/g creat", "mg/g cr", "mg/g creatinine", "mg/g");
    unit("mosm/kg", Dimension.OSMOLALITY, "mosm/kg", "mosmol/kg");
    VARIANTS.sort(Comparator.comparingInt((Variant v) -> v.printed().length()).reversed());
  }

  private Units() {}

  private static void unit(String ucum, Dimension dimension, String... printed) {
    Unit unit = new Unit(ucum, dimension);
    for (String p : printed) {
      VARIANTS.add(new Variant(p, compile(p), unit));
    }
  }

  /** "mg /dL", "x 10^3/µL" and "mm/hr" all match; µ and μ read as u, and OCR's "mg/d1" and
   *  "mmoI/L" as "mg/dl" and "mmol/L". */
  private static Pattern compile(String printed) {
    StringBuilder re = new StringBuilder();
    for (int i = 0; i < printed.length(); i++) {
      char c = printed.charAt(i);
      switch (c) {
        case '/' -> re.append("\\s*/\\s*");
        case ' ' -> re.append("\\s*");
        case 'u' -> re.append("[uµμ]");
        case 'l' -> re.append("[lI1|]");
        case 'o' -> re.append("[o0]");
        case '^', '*', '(', ')', '.', '{', '}', '[', ']' -> re.append("\\").append(c);
        case 'x' -> re.append("[x×]\\s*");
        default -> re.append(c);
      }
    }
    // A unit ends at a non-letter: "s" is seconds, never the start of "sample".
    re.append("(?![\\p{L}])");
    return Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
  }

  /** The longest unit starting exactly at {@code pos}. */
  static Optional<Match> at(String text, int pos) {
    if (pos >= text.length()) {
      return Optional.empty();
    }
    char c = text.charAt(pos);
    for (Variant v : VARIANTS) {
      if (!v.mayStartWith(c)) {
        continue;
      }
      Matcher m = v.pattern().matcher(text).region(pos, text.length());
      if (m.lookingAt()) {
        return Optional.of(new Match(v.unit(), pos, m.end()));
      }
    }
    return Optional.empty();
  }

  /** The dimension of a UCUM code listed here, or null for a code this table does not know. */
  static Dimension dimensionOf(String ucum) {
    if (ucum == null) {
      return null;
    }
    for (Variant v : VARIANTS) {
      if (v.unit().ucum().equals(ucum)) {
        return v.unit().dimension();
      }
    }
    return null;
  }
}
