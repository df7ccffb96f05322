package io.exora.clinical;

import java.time.LocalDate;

/**
 * A diagnosis or problem.
 *
 * @param status one of active, resolved, inactive, remission, unknown
 */
public record Condition(
    String name,
    String icd10Code,
    String snomedCode,
    String status,
    LocalDate onsetDate,
    LocalDate date,
    Evidence evidence)
    implements ClinicalEvent {}
