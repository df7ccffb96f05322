package io.exora.extract.accuracy;

import io.exora.clinical.Allergy;
import io.exora.clinical.ClinicalEvent;
import io.exora.clinical.Condition;
import io.exora.clinical.Immunization;
import io.exora.clinical.LabResult;
import io.exora.clinical.Medication;
import io.exora.clinical.VitalSign;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;

/**
 * An extracted event seen the way labels are written: its type, its codes by system, its value,
 * and the attributes scored for agreement.
 */
record Observed(String type, String name, Map<String, String> codes, BigDecimal numeric,
    String text, BigDecimal secondary, String unit, LocalDate date, Map<String, String> attributes,
    ClinicalEvent event) {

  /**
   * @param documentDate the extraction's document date: an event without its own date is stored
   *     with it ({@code ClinicalWriter}), so it is scored with it too
   */
  static Observed of(ClinicalEvent event, LocalDate documentDate) {
    Observed o = of(event);
    return o.date() != null || documentDate == null ? o
        : new Observed(o.type(), o.name(), o.codes(), o.numeric(), o.text(), o.secondary(),
            o.unit(), documentDate, o.attributes(), o.event());
  }

  static Observed of(ClinicalEvent event) {
    Map<String, String> codes = new HashMap<>();
    Map<String, String> attributes = new HashMap<>();
    return switch (event) {
      case LabResult l -> {
        put(codes, "loinc", l.loincCode());
        put(attributes, "unit", l.unit());
        yield new Observed("lab", l.name(), codes, l.valueNumeric(), l.valueText(), null,
            l.unit(), l.date(), attributes, event);
      }
      case VitalSign v -> {
        put(attributes, "unit", v.unit());
        yield new Observed("vital", v.type(), codes, v.value(), null, v.secondaryValue(),
            v.unit(), v.date(), attributes, event);
      }
      case Medication m -> {
        put(codes, "rxnorm", m.rxnormCode());
        put(attributes, "strength", m.strength());
        put(attributes, "status", m.status());
        yield new Observed("medication", m.name(), codes, null, null, null, null, m.date(),
            attributes, event);
      }
      case Condition c -> {
        put(codes, "icd10", c.icd10Code());
        put(codes, "snomed", c.snomedCode());
        put(attributes, "status", c.status());
        yield new Observed("condition", c.name(), codes, null, null, null, null, c.date(),
            attributes, event);
      }
      case Allergy a -> {
        put(codes, "snomed", a.snomedCode());
        put(attributes, "reaction", a.reaction());
        put(attributes, "severity", a.severity());
        yield new Observed("allergy", a.name(), codes, null, null, null, null, a.date(),
            attributes, event);
      }
      case Immunization i -> {
        put(codes, "cvx", i.cvxCode());
        yield new Observed("immunization", i.name(), codes, null, null, null, null, i.date(),
            attributes, event);
      }
    };
  }

  private static void put(Map<String, String> map, String key, String value) {
    if (value != null && !value.isBlank()) {
      map.put(key, value);
    }
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(type).append(' ').append(name);
    codes.forEach((k, v) -> b.append(' ').append(k).append('=').append(v));
    if (numeric != null || text != null) {
      b.append(" value=").append(numeric != null ? numeric.toPlainString() : text);
      if (secondary != null) {
        b.append('/').append(secondary.toPlainString());
      }
    }
    if (unit != null) {
      b.append(' ').append(unit);
    }
    if (date != null) {
      b.append(" date=").append(date);
    }
    return b.toString();
  }
}
