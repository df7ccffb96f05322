package io.exora.pipeline;

import io.exora.ai.AiGenerations;
import io.exora.clinical.ClinicalWriter;
import io.exora.clinical.Extraction;
import io.exora.db.Caller;
import io.exora.db.RequestTransactions;
import io.exora.documents.storage.ObjectStorage;
import io.exora.queue.DeferJob;
import io.exora.queue.Job;
import io.exora.queue.JobContext;
import io.exora.queue.JobHandler;
import io.exora.usage.UsageLimits;
import io.exora.usage.UsageMeter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles {@code shell_file_processing} jobs: a document goes in, coded clinical events come out,
 * once. The file is marked processing (fenced by the attempt), read from storage into a temporary
 * file, read by type, and its text sent for clinical extraction; then one transaction writes the
 * generation row, replaces the file's events, marks the file completed, and (by the runtime) the
 * job's fenced completion. A document that cannot be read ends as a failed file with a
 * {@code processing_error} in that same kind of transaction; a failure that may pass (storage or
 * a provider unavailable) fails the attempt and the queue retries it.
 *
 * <p>Usage: each AI call's tokens are counted once (per generation) and the file's real page count
 * corrects the upload's estimate, in the same transaction as the job's effects. A profile that has
 * used its plan's AI tokens for the month spends no more: its job is deferred (the document and
 * the job are kept) and the file says why in {@code processing_error}, naming the limit.
 */
public final class ShellFileProcessor implements JobHandler {
  public static final String JOB_TYPE = "shell_file_processing";
  private static final Logger log = LoggerFactory.getLogger(ShellFileProcessor.class);
  /** Text kept in shell_files.extracted_text (for search and re-extraction), at most. */
  static final int MAX_KEPT_TEXT_CHARS = 1_000_000;
  /** How long a job over its AI token limit waits before it asks again (an upgrade takes effect then). */
  static final Duration AI_LIMIT_RECHECK = Duration.ofHours(1);

  private final RequestTransactions transactions;
  private final ObjectStorage storage;
  private final DocumentReading reading;
  private final ClinicalExtraction extraction;

  public ShellFileProcessor(RequestTransactions transactions, ObjectStorage storage, DocumentReading reading,
      ClinicalExtraction extraction) {
    this.transactions = transactions;
    this.storage = storage;
    this.reading = reading;
    this.extraction = extraction;
  }

  /** The file's row as the worker needs it. */
  private record FileRow(UUID id, UUID patientId, String storagePath, String documentType, boolean deleted,
      LocalDate uploadedOn) {}

  @Override
  public Map<String, Object> handle(JobContext ctx) throws Exception {
    Job job = ctx.job();
    if (job.shellFileId() == null) {
      throw new io.exora.queue.PermanentJobFailure("invalid_payload", "a shell_file_processing job needs a shell_file_id");
    }
    Optional<FileRow> begun = begin(job, ctx.workerId());
    if (begun.isEmpty()) {
      return Map.of("outcome", "skipped", "reason", "the file is gone or this attempt no longer holds the job");
    }
    FileRow file = begun.get();
    if (file.deleted()) {
      return finish(ctx, file, "skipped", Map.of("reason", "the file was deleted before it was processed"));
    }
    Path local = Files.createTempFile("exora-doc-", ".bin");
    try {
      try (InputStream in = storage.open(file.storagePath())) {
        Files.copy(in, local, StandardCopyOption.REPLACE_EXISTING);
      }
      DocumentReading.Read read = reading.read(file.documentType(), local);
      return switch (read) {
        case DocumentReading.Structured s -> write(ctx, file, s.extraction(), null, null, null, null);
        case DocumentReading.Text t -> extractAndWrite(ctx, file, t);
      };
    } catch (ProcessingFailure f) {
      return failed(ctx, file, f.code(), f.stage(), f.getMessage(), null);
    } catch (ClinicalExtraction.Failed f) {
      return failed(ctx, file, f.cause.code().wire(), "clinical_extraction", f.getMessage(), f.generation);
    } finally {
      Files.deleteIfExists(local);
    }
  }

  private Map<String, Object> extractAndWrite(JobContext ctx, FileRow file, DocumentReading.Text text)
      throws Exception {
    if (text.text().isBlank()) {
      throw new ProcessingFailure("no_text", "text_extraction",
          "no text could be read from the document (an empty page, or a scan too faint to read)", null);
    }
    deferIfOverAiTokenLimit(ctx.job(), file);
    AiGenerations.Subject subject = new AiGenerations.Subject(file.patientId(), file.id(), ctx.job().id(),
        ctx.job().attempt());
    String input = text.text().length() > io.exora.ai.ExtractionRequest.MAX_TEXT_CHARS
        ? text.text().substring(0, io.exora.ai.ExtractionRequest.MAX_TEXT_CHARS) : text.text();
    ClinicalExtraction.Outcome outcome = extraction.extract(input, subject, ctx.workerId());
    return write(ctx, file, outcome.extraction(), outcome.generation(), text.text(), text.pageCount(),
        text.ocrConfidence());
  }

  private Map<String, Object> write(JobContext ctx, FileRow file, Extraction found, AiGenerations.Generation generation,
      String text, Integer pages, Double ocrConfidence) {
    Handle h = ctx.transaction();
    UUID generationId = generation == null ? null : recordGeneration(h, generation);
    int events = ClinicalWriter.replace(h, new ClinicalWriter.Source(file.patientId(), file.id(), generationId,
        generation != null), found, file.uploadedOn());
    h.createUpdate("""
            update public.shell_files
               set status = 'completed', processing_completed_at = now(), processing_error = null,
                   page_count = :pages, ocr_confidence = :ocr, extracted_text = :text
             where id = :id""")
        .bind("pages", pages).bind("ocr", ocrConfidence)
        .bind("text", text == null ? null : text.substring(0, Math.min(text.length(), MAX_KEPT_TEXT_CHARS)))
        .bind("id", file.id()).execute();
    UsageMeter.fileProcessed(h, file.id());
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("outcome", "completed");
    result.put("events", events);
    result.put("reader", found.reader());
    return result;
  }

  private Map<String, Object> failed(JobContext ctx, FileRow file, String code, String stage, String message,
      AiGenerations.Generation generation) {
    log.info("shell file {} cannot be processed ({} at {}): {}", file.id(), code, stage, message);
    Handle h = ctx.transaction();
    if (generation != null) {
      recordGeneration(h, generation);
    }
    h.createUpdate("""
            update public.shell_files
               set status = 'failed', processing_completed_at = now(),
                   processing_error = jsonb_build_object('code', :code, 'message', :message, 'stage', :stage,
                                                         'retryable', false)
             where id = :id""")
        .bind("code", code).bind("message", message).bind("stage", stage).bind("id", file.id()).execute();
    return Map.of("outcome", "failed", "code", code, "stage", stage);
  }

  /** Writes the generation row and counts its tokens against the profile's plan (once per generation). */
  private static UUID recordGeneration(Handle h, AiGenerations.Generation generation) {
    UUID id = AiGenerations.record(h, generation);
    UsageMeter.aiCall(h, generation.subject().profileId(), generation.subject().jobId(), id, generation.latency());
    return id;
  }

  /**
   * A profile over its plan's AI token limit gets no AI call: the file goes back to waiting with a
   * processing_error that names the limit, and the job is deferred (no retry used) until the
   * next recheck or the month's end, whichever is sooner. Nothing is dropped.
   */
  private void deferIfOverAiTokenLimit(Job job, FileRow file) {
    Optional<String> refusal = transactions.run(Caller.serviceRole(), "job:" + job.id(),
        h -> UsageLimits.aiRefusal(h, file.patientId()));
    if (refusal.isEmpty()) {
      return;
    }
    Instant now = Instant.now();
    Instant nextMonth = ZonedDateTime.ofInstant(now, ZoneOffset.UTC).toLocalDate().withDayOfMonth(1).plusMonths(1)
        .atStartOfDay(ZoneOffset.UTC).toInstant();
    Duration untilNextMonth = Duration.between(now, nextMonth).plusSeconds(1);
    Duration delay = untilNextMonth.compareTo(AI_LIMIT_RECHECK) < 0 ? untilNextMonth : AI_LIMIT_RECHECK;
    String message = refusal.get() + "; the document is kept and its processing resumes when the plan allows it "
        + "(an upgrade, or the next billing month)";
    transactions.run(Caller.serviceRole(), "job:" + job.id(), h -> h.createUpdate("""
            update public.shell_files
               set status = 'uploaded', processing_started_at = null,
                   processing_error = jsonb_build_object('code', 'ai_token_limit_exceeded', 'message', :message,
                                                         'stage', 'usage', 'retryable', true)
             where id = :id and processing_job_id = :job and status = 'processing'""")
        .bind("message", message).bind("id", file.id()).bind("job", job.id()).execute());
    log.info("shell file {} waits: {}", file.id(), refusal.get());
    throw new DeferJob(delay, message);
  }

  private Map<String, Object> finish(JobContext ctx, FileRow file, String outcome, Map<String, Object> extra) {
    Map<String, Object> result = new LinkedHashMap<>(extra);
    result.put("outcome", outcome);
    ctx.transaction().createUpdate("""
            update public.shell_files set status = 'completed', processing_completed_at = now() where id = :id""")
        .bind("id", file.id()).execute();
    return result;
  }

  private Optional<FileRow> begin(Job job, String workerId) {
    return transactions.run(Caller.serviceRole(), "job:" + job.id(), h -> h.createQuery("""
            select id, patient_id, storage_path, document_type, deleted_at is not null as deleted, created_at
              from public.begin_shell_file_processing(:file, :job, :worker, :attempt)""")
        .bind("file", job.shellFileId()).bind("job", job.id()).bind("worker", workerId)
        .bind("attempt", job.attempt())
        .map((rs, c) -> new FileRow(rs.getObject("id", UUID.class), rs.getObject("patient_id", UUID.class),
            rs.getString("storage_path"), rs.getString("document_type"), rs.getBoolean("deleted"),
            rs.getObject("created_at", java.time.OffsetDateTime.class).atZoneSameInstant(ZoneOffset.UTC).toLocalDate()))
        .findOne());
  }
}
