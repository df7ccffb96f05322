package io.exora.clinical;

import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * A laboratory result. At least one of {@code valueNumeric} and {@code valueText} is set.
 *
 * @param interpretation one of normal, low, high, critical_low, critical_high, abnormal; or null
 */
public record LabResult(
    String name,
    String loincCode,
    BigDecimal valueNumeric,
    String valueText,
    String unit,
    BigDecimal referenceLow,
    BigDecimal referenceHigh,
    String referenceText,
    String interpretation,
    LocalDate date,
    Evidence evidence)
    implements ClinicalEvent {}
