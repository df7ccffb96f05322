package io.exora.clinical;

import java.time.LocalDate;

/**
 * An allergy or intolerance; {@link #name()} is the allergen.
 *
 * @param allergenType one of medication, food, environmental, other; or null
 * @param severity one of mild, moderate, severe, life_threatening; or null
 */
public record Allergy(
    String name,
    String allergenType,
    String reaction,
    String severity,
    String snomedCode,
    LocalDate date,
    Evidence evidence)
    implements ClinicalEvent {}
