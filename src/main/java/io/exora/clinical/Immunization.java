package io.exora.clinical;

import java.time.LocalDate;

/** A vaccination; {@link #date()} is the day it was given. */
public record Immunization(
    String name,
    String cvxCode,
    Integer doseNumber,
    String lotNumber,
    LocalDate date,
    Evidence evidence)
    implements ClinicalEvent {}
