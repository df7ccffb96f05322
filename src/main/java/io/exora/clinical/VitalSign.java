package io.exora.clinical;

import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * A vital sign.
 *
 * @param type one of blood_pressure, heart_rate, temperature, respiratory_rate, oxygen_saturation,
 *     weight, height, bmi, blood_glucose, head_circumference, pain_score
 * @param secondaryValue the diastolic pressure; set exactly when {@code type} is blood_pressure
 */
public record VitalSign(
    String name,
    String type,
    BigDecimal value,
    BigDecimal secondaryValue,
    String unit,
    String loincCode,
    LocalDate date,
    Evidence evidence)
    implements ClinicalEvent {}
