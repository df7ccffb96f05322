package io.exora.documents;

import io.exora.db.JsonRows;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/** Shell-file SQL, run in the caller's transaction as the caller (RLS decides what is visible). */
public final class ShellFiles {
  /** What a person sees of a file: never the storage path or the extracted text. */
  private static final String COLUMNS = """
      id, patient_id, uploaded_by, filename, original_filename, file_size_bytes, mime_type, document_type,
      content_sha256, status, processing_error, page_count, ocr_confidence, clinical_event_count,
      processing_job_id as job_id, processing_started_at, processing_completed_at, created_at, updated_at""";

  public record Registration(UUID shellFileId, UUID jobId, String outcome) {}

  /**
   * The vendor and model the workers call to read documents, named in each job that will need
   * them, so that the queue schedules the job for when that pair has capacity (V080's hook).
   */
  public record AiReader(String provider, String model) {}

  private ShellFiles() {}

  /**
   * Records the stored document and enqueues its processing (register_upload). {@code reader}
   * names the AI pair that will read it, or is null when no vendor will (V031).
   */
  public static Registration register(Handle h, UUID patientId, String filename, String originalFilename,
      long sizeBytes, DocumentType type, String storageKey, String sha256, String idempotencyKey, AiReader reader) {
    return h.createQuery("""
            select shell_file_id, job_id, outcome
              from public.register_upload(:patient, :filename, :original, :size, :mime, :type, :key, :sha, :idem,
                                          :aiProvider, :aiModel)""")
        .bind("patient", patientId).bind("filename", filename).bind("original", originalFilename)
        .bind("size", sizeBytes).bind("mime", type.mimeType()).bind("type", type.code())
        .bind("key", storageKey).bind("sha", sha256).bind("idem", idempotencyKey)
        .bind("aiProvider", reader == null ? null : reader.provider())
        .bind("aiModel", reader == null ? null : reader.model())
        .map((rs, ctx) -> new Registration(rs.getObject("shell_file_id", UUID.class),
            rs.getObject("job_id", UUID.class), rs.getString("outcome")))
        .one();
  }

  public static List<Map<String, Object>> list(Handle h, UUID patientId, int limit) {
    return h.createQuery("select " + COLUMNS + """
             from public.shell_files
            where patient_id = :p and deleted_at is null
            order by created_at desc
            limit :limit""")
        .bind("p", patientId).bind("limit", limit).map(JsonRows::map).list();
  }

  public static Optional<Map<String, Object>> find(Handle h, UUID id) {
    return h.createQuery("select " + COLUMNS + " from public.shell_files where id = :id and deleted_at is null")
        .bind("id", id).map(JsonRows::map).findOne();
  }

  /** Soft delete; false when the file is not visible or the caller may not delete it (RLS). */
  public static boolean softDelete(Handle h, UUID id) {
    return h.createUpdate("""
            update public.shell_files set deleted_at = now(), deleted_by = (select auth.uid())
             where id = :id and deleted_at is null""")
        .bind("id", id).execute() == 1;
  }
}
