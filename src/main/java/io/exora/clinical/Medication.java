package io.exora.clinical;

import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * A medication statement or prescription.
 *
 * @param status one of active, completed, stopped, on_hold, unknown
 */
public record Medication(
    String name,
    String rxnormCode,
    String strength,
    BigDecimal doseAmount,
    String doseUnit,
    String route,
    String frequency,
    LocalDate startDate,
    LocalDate endDate,
    String status,
    LocalDate date,
    Evidence evidence)
    implements ClinicalEvent {}
