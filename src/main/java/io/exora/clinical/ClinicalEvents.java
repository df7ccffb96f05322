package io.exora.clinical;

import io.exora.db.JsonRows;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * Reading a patient's events and recording a person's review of one, in the caller's transaction
 * as the caller: RLS decides what is visible and who may review.
 */
public final class ClinicalEvents {
  public static final List<String> TYPES =
      List.of("lab_result", "vital_sign", "medication", "condition", "allergy", "immunization", "procedure", "observation");

  /** A person's verdict on an event; {@code corrections} only for CORRECTED. */
  public record Review(String action, String eventName, LocalDate eventDate, String note) {}

  private ClinicalEvents() {}

  /**
   * Live events of a profile, newest first, each with its detail row as {@code detail}. Filters
   * may be null: type, and an inclusive date range.
   */
  public static List<Map<String, Object>> list(Handle h, UUID patientId, String type, LocalDate from, LocalDate to,
      int limit) {
    return h.createQuery("""
            select e.id, e.patient_id, e.shell_file_id, e.event_type, e.event_name, e.event_date, e.snomed_code,
                   e.loinc_code, e.ai_extracted, e.ai_confidence, e.requires_review, e.review_status,
                   e.extractor_version, e.ai_generation_id, e.created_at,
                   coalesce((select to_jsonb(d) - 'event_id' - 'patient_id' - 'created_at' - 'updated_at'
                               from public.patient_observations d where d.event_id = e.id),
                            (select to_jsonb(d) - 'event_id' - 'patient_id' - 'created_at' - 'updated_at'
                               from public.patient_vitals d where d.event_id = e.id),
                            (select to_jsonb(d) - 'event_id' - 'patient_id' - 'created_at' - 'updated_at'
                               from public.patient_medications d where d.event_id = e.id),
                            (select to_jsonb(d) - 'event_id' - 'patient_id' - 'created_at' - 'updated_at'
                               from public.patient_conditions d where d.event_id = e.id),
                            (select to_jsonb(d) - 'event_id' - 'patient_id' - 'created_at' - 'updated_at'
                               from public.patient_allergies d where d.event_id = e.id),
                            (select to_jsonb(d) - 'event_id' - 'patient_id' - 'created_at' - 'updated_at'
                               from public.patient_immunizations d where d.event_id = e.id)) as detail
              from public.patient_clinical_events e
             where e.patient_id = :patient and e.deleted_at is null
               and (cast(:type as text) is null or e.event_type = :type)
               and (cast(:from as date) is null or e.event_date >= cast(:from as date))
               and (cast(:to as date) is null or e.event_date < cast(:to as date) + 1)
             order by e.event_date desc, e.created_at desc
             limit :limit""")
        .bind("patient", patientId).bind("type", type).bind("from", from).bind("to", to).bind("limit", limit)
        .map(JsonRows::map).list();
  }

  /**
   * Records a review: the event takes the verdict (and a corrected name or date), and the review
   * is kept with the generation or extractor that made the event. Empty when the event is not
   * visible to the caller; 42501 from the database when the caller may not edit it.
   */
  public static Optional<Map<String, Object>> review(Handle h, UUID eventId, Review review, String correctionsJson) {
    Optional<Map<String, Object>> updated = h.createQuery("""
            update public.patient_clinical_events
               set review_status = :action, requires_review = false,
                   event_name = coalesce(:name, event_name),
                   event_date = coalesce(cast(:date as date)::timestamptz, event_date)
             where id = :id and deleted_at is null
            returning id, patient_id, event_type, event_name, event_date, review_status, ai_generation_id,
                      extractor_version""")
        .bind("action", review.action()).bind("name", review.eventName()).bind("date", review.eventDate())
        .bind("id", eventId).map(JsonRows::map).findOne();
    updated.ifPresent(event -> h.createUpdate("""
            insert into public.clinical_event_reviews (event_id, patient_id, reviewed_by, action, corrections, note,
                                                       ai_generation_id, extractor_version)
            values (:event, :patient, (select auth.uid()), :action, cast(:corrections as jsonb), :note, :generation,
                    :extractor)""")
        .bind("event", eventId).bind("patient", event.get("patient_id")).bind("action", review.action())
        .bind("corrections", correctionsJson).bind("note", review.note())
        .bind("generation", event.get("ai_generation_id")).bind("extractor", event.get("extractor_version"))
        .execute());
    return updated;
  }
}
