package io.exora.clinical;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * Writes what a reader found in one document as a patient's clinical events, inside the caller's
 * transaction (the job's, so the events commit with its fenced completion). Writing a document
 * again replaces its events: the events of that file are deleted first, so a retried or
 * re-processed document never doubles them. Audit rows and the file's event count are written by
 * the schema's triggers in the same transaction.
 *
 * <p>Values a reader got wrong in a way the schema would refuse (a dose of 0, a range whose low end
 * is above its high end) are dropped field by field rather than failing the whole document.
 */
public final class ClinicalWriter {
  static final int MAX_NAME = 500;
  /** Units assumed for a vital sign when the document gives none (UCUM). */
  static final Map<String, String> DEFAULT_VITAL_UNITS = Map.ofEntries(
      Map.entry("blood_pressure", "mm[Hg]"), Map.entry("heart_rate", "/min"), Map.entry("temperature", "Cel"),
      Map.entry("respiratory_rate", "/min"), Map.entry("oxygen_saturation", "%"), Map.entry("weight", "kg"),
      Map.entry("height", "cm"), Map.entry("bmi", "kg/m2"), Map.entry("blood_glucose", "mg/dL"),
      Map.entry("head_circumference", "cm"), Map.entry("pain_score", "{score}"));

  /** Where the events came from, kept on each of them. */
  public record Source(UUID patientId, UUID shellFileId, UUID aiGenerationId, boolean aiExtracted) {}

  private ClinicalWriter() {}

  /** Replaces the file's events with {@code extraction}'s; returns how many were written. */
  public static int replace(Handle h, Source source, Extraction extraction, LocalDate fallbackDate) {
    h.createUpdate("delete from public.patient_clinical_events where shell_file_id = :file")
        .bind("file", source.shellFileId()).execute();
    int written = 0;
    for (ClinicalEvent event : extraction.events()) {
      LocalDate date = event.date() != null ? event.date()
          : extraction.documentDate() != null ? extraction.documentDate() : fallbackDate;
      UUID id = insertEvent(h, source, extraction.reader(), event, date);
      insertDetail(h, id, source.patientId(), event);
      written++;
    }
    return written;
  }

  private static UUID insertEvent(Handle h, Source source, String reader, ClinicalEvent event, LocalDate date) {
    Kind kind = Kind.of(event);
    return h.createQuery("""
            insert into public.patient_clinical_events
              (patient_id, shell_file_id, activity_type, clinical_purposes, event_type, event_name, snomed_code,
               loinc_code, event_date, extractor_version, ai_generation_id, ai_extracted, ai_confidence, requires_review)
            values (:patient, :file, :activity, cast(:purposes as text[]), :type, :name, :snomed, :loinc, :date,
                    :reader, :generation, :ai, :confidence, :review)
            returning id""")
        .bind("patient", source.patientId()).bind("file", source.shellFileId())
        .bind("activity", kind.activity).bind("purposes", "{" + kind.purpose + "}").bind("type", kind.eventType)
        .bind("name", truncate(event.name())).bind("snomed", snomed(event)).bind("loinc", loinc(event))
        .bind("date", OffsetDateTime.of(date.atStartOfDay(), ZoneOffset.UTC))
        .bind("reader", reader).bind("generation", source.aiGenerationId()).bind("ai", source.aiExtracted())
        .bind("confidence", BigDecimal.valueOf(event.evidence().confidence()).setScale(3, java.math.RoundingMode.HALF_UP))
        .bind("review", event.evidence().requiresReview())
        .mapTo(UUID.class).one();
  }

  private static void insertDetail(Handle h, UUID eventId, UUID patientId, ClinicalEvent event) {
    switch (event) {
      case LabResult lab -> {
        boolean rangeOk = lab.referenceLow() == null || lab.referenceHigh() == null
            || lab.referenceLow().compareTo(lab.referenceHigh()) <= 0;
        String valueText = lab.valueText() == null && lab.valueNumeric() == null ? "not stated" : lab.valueText();
        h.createUpdate("""
                insert into public.patient_observations
                  (event_id, patient_id, observation_type, value_text, value_numeric, unit, reference_range_low,
                   reference_range_high, reference_range_text, interpretation, loinc_code)
                values (:event, :patient, 'lab_result', :text, :num, :unit, :low, :high, :rtext, :interp, :loinc)""")
            .bind("event", eventId).bind("patient", patientId).bind("text", valueText)
            .bind("num", lab.valueNumeric()).bind("unit", lab.unit())
            .bind("low", rangeOk ? lab.referenceLow() : null).bind("high", rangeOk ? lab.referenceHigh() : null)
            .bind("rtext", lab.referenceText()).bind("interp", lab.interpretation()).bind("loinc", lab.loincCode())
            .execute();
      }
      case VitalSign vital -> {
        boolean pressure = "blood_pressure".equals(vital.type());
        String unit = vital.unit() != null ? vital.unit() : DEFAULT_VITAL_UNITS.getOrDefault(vital.type(), "");
        h.createUpdate("""
                insert into public.patient_vitals (event_id, patient_id, vital_type, value_numeric, value_secondary,
                                                   unit, loinc_code)
                values (:event, :patient, :type, :value, :secondary, :unit, :loinc)""")
            .bind("event", eventId).bind("patient", patientId).bind("type", vital.type())
            .bind("value", vital.value()).bind("secondary", pressure ? vital.secondaryValue() : null)
            .bind("unit", unit).bind("loinc", vital.loincCode()).execute();
      }
      case Medication med -> {
        boolean datesOk = med.startDate() == null || med.endDate() == null || !med.endDate().isBefore(med.startDate());
        h.createUpdate("""
                insert into public.patient_medications (event_id, patient_id, medication_name, rxnorm_code, strength,
                  dose_amount, dose_unit, route, frequency, start_date, end_date, status)
                values (:event, :patient, :name, :rxnorm, :strength, :dose, :doseUnit, :route, :frequency, :start,
                        :end, :status)""")
            .bind("event", eventId).bind("patient", patientId).bind("name", truncate(med.name()))
            .bind("rxnorm", med.rxnormCode()).bind("strength", med.strength())
            .bind("dose", positive(med.doseAmount())).bind("doseUnit", med.doseUnit()).bind("route", med.route())
            .bind("frequency", med.frequency()).bind("start", med.startDate())
            .bind("end", datesOk ? med.endDate() : null)
            .bind("status", med.status() == null ? "active" : med.status()).execute();
      }
      case Condition condition -> {
        h.createUpdate("""
                insert into public.patient_conditions (event_id, patient_id, condition_name, icd10_code, snomed_code,
                                                       status, onset_date)
                values (:event, :patient, :name, :icd10, :snomed, :status, :onset)""")
            .bind("event", eventId).bind("patient", patientId).bind("name", truncate(condition.name()))
            .bind("icd10", condition.icd10Code()).bind("snomed", condition.snomedCode())
            .bind("status", condition.status() == null ? "active" : condition.status())
            .bind("onset", condition.onsetDate()).execute();
      }
      case Allergy allergy -> {
        h.createUpdate("""
                insert into public.patient_allergies (event_id, patient_id, allergen, allergen_type, reaction, severity,
                                                      snomed_code)
                values (:event, :patient, :allergen, :type, :reaction, :severity, :snomed)""")
            .bind("event", eventId).bind("patient", patientId).bind("allergen", truncate(allergy.name()))
            .bind("type", allergy.allergenType()).bind("reaction", allergy.reaction())
            .bind("severity", allergy.severity()).bind("snomed", allergy.snomedCode()).execute();
      }
      case Immunization shot -> {
        h.createUpdate("""
                insert into public.patient_immunizations (event_id, patient_id, vaccine_name, cvx_code,
                                                          administered_date, dose_number, lot_number)
                values (:event, :patient, :name, :cvx, :given, :dose, :lot)""")
            .bind("event", eventId).bind("patient", patientId).bind("name", truncate(shot.name()))
            .bind("cvx", shot.cvxCode()).bind("given", shot.date())
            .bind("dose", shot.doseNumber() != null && shot.doseNumber() > 0 ? shot.doseNumber() : null)
            .bind("lot", shot.lotNumber()).execute();
      }
    }
  }

  /** The event row's type, activity and purpose for each kind of event. */
  private enum Kind {
    LAB("lab_result", "observation", "diagnostic"),
    VITAL("vital_sign", "observation", "monitoring"),
    MEDICATION("medication", "intervention", "therapeutic"),
    CONDITION("condition", "observation", "diagnostic"),
    ALLERGY("allergy", "observation", "diagnostic"),
    IMMUNIZATION("immunization", "intervention", "preventive");

    final String eventType;
    final String activity;
    final String purpose;

    Kind(String eventType, String activity, String purpose) {
      this.eventType = eventType;
      this.activity = activity;
      this.purpose = purpose;
    }

    static Kind of(ClinicalEvent e) {
      return switch (e) {
        case LabResult l -> LAB;
        case VitalSign v -> VITAL;
        case Medication m -> MEDICATION;
        case Condition c -> CONDITION;
        case Allergy a -> ALLERGY;
        case Immunization i -> IMMUNIZATION;
      };
    }
  }

  private static String snomed(ClinicalEvent e) {
    return switch (e) {
      case Condition c -> c.snomedCode();
      case Allergy a -> a.snomedCode();
      default -> null;
    };
  }

  private static String loinc(ClinicalEvent e) {
    return switch (e) {
      case LabResult l -> l.loincCode();
      case VitalSign v -> v.loincCode();
      default -> null;
    };
  }

  private static BigDecimal positive(BigDecimal value) {
    return value != null && value.signum() > 0 ? value : null;
  }

  private static String truncate(String name) {
    String n = name == null || name.isBlank() ? "unnamed" : name.strip();
    return n.length() > MAX_NAME ? n.substring(0, MAX_NAME) : n;
  }
}
