package io.exora.documents;

import io.exora.db.Caller;
import io.exora.db.RequestTransactions;
import io.exora.documents.UploadRejected.Reason;
import io.exora.documents.storage.ObjectStorage;
import io.exora.documents.storage.ObjectTooLarge;
import io.exora.documents.storage.StoredObject;
import io.exora.usage.UsageLimits;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes one document from a person: streams it to storage (hashing and measuring it on the way),
 * then registers it and enqueues its processing in one database transaction as that person. If
 * anything fails after the bytes are stored, the stored object is removed; an object orphaned by a
 * crash in between is removed later by the orphan sweeper.
 *
 * <p>Plan limits are checked twice: before a byte is stored (a profile already at its limit is
 * refused at once), and inside the registering transaction against the stored size and pages,
 * where the upload is also counted (register_upload, V090__usage_metering.sql). Either refusal
 * leaves no object and no row.
 */
public final class Uploads {
  private static final Logger log = LoggerFactory.getLogger(Uploads.class);
  /** The largest document accepted: 50 MiB. */
  public static final long MAX_UPLOAD_BYTES = 50L * 1024 * 1024;
  /** Storage keys name no person and no file name: a random id under one prefix. */
  static final String KEY_PREFIX = "shell-files/";

  private final ObjectStorage storage;
  private final RequestTransactions transactions;
  private final ShellFiles.AiReader aiReader;

  /** What the uploader gets back; {@code replayed} when the idempotency key was seen with this content. */
  public record Registered(UUID shellFileId, UUID jobId, boolean replayed) {}

  /** @param aiReader the AI pair that reads documents, or null when no vendor does (the offline extractor) */
  public Uploads(ObjectStorage storage, RequestTransactions transactions, ShellFiles.AiReader aiReader) {
    this.storage = storage;
    this.transactions = transactions;
    this.aiReader = aiReader;
  }

  /**
   * The checks made before a byte of the document is read, in one transaction as the uploader:
   * false when the caller may not upload for the profile; {@link UploadRejected} with {@link
   * Reason#PLAN_LIMIT_EXCEEDED} when the profile's plan allows no further document this month (a
   * replay of an idempotency key the caller already used is never refused).
   */
  public boolean admit(Caller caller, String correlationId, UUID patientId, String idempotencyKey) {
    Optional<String> refusal;
    try {
      // usage_upload_refusal checks the upload right first (my_profiles' rule, 42501 without it).
      refusal = transactions.run(caller, correlationId, h -> UsageLimits.uploadRefusal(h, patientId, idempotencyKey));
    } catch (RuntimeException e) {
      if (withSqlState(e, "42501") != null) {
        return false;
      }
      throw e;
    }
    refusal.ifPresent(reason -> {
      throw new UploadRejected(Reason.PLAN_LIMIT_EXCEEDED, reason);
    });
    return true;
  }

  /**
   * Stores and registers one document. Call {@link #admit} first: it refuses a profile already at
   * its plan's limit before anything is stored (the binding check, against the stored size, is
   * made again when the document is registered, and a refused object is deleted). {@code content}
   * is read once, to its end or to the limit.
   *
   * @throws UploadRejected empty, too large, unsupported type, an idempotency conflict, or a plan
   *     limit the stored document would pass
   */
  public Registered upload(Caller caller, String correlationId, UUID patientId, String clientFilename,
      String idempotencyKey, InputStream content) throws IOException {
    byte[] head = content.readNBytes(DocumentType.SNIFF_BYTES);
    if (head.length == 0) {
      throw new UploadRejected(Reason.EMPTY, "the file is empty");
    }
    DocumentType type = DocumentType.detect(head, head.length).orElseThrow(() -> new UploadRejected(
        Reason.UNSUPPORTED_TYPE, "unsupported document type: Exora reads PDF, PNG, JPEG, TIFF, plain text, "
            + "C-CDA XML and FHIR R4 JSON (decided from the content, not the name)"));
    String key = KEY_PREFIX + UUID.randomUUID();
    StoredObject stored;
    try {
      stored = storage.put(key, new SequenceInputStream(new ByteArrayInputStream(head), content), MAX_UPLOAD_BYTES);
    } catch (ObjectTooLarge e) {
      throw new UploadRejected(Reason.TOO_LARGE, "the file is larger than the limit of "
          + MAX_UPLOAD_BYTES + " bytes (50 MiB)");
    }
    boolean keep = false;
    try {
      String name = FileNames.sanitise(clientFilename);
      ShellFiles.Registration r;
      try {
        r = transactions.run(caller, correlationId, h -> ShellFiles.register(h, patientId,
            name, name, stored.size(), type, key, stored.sha256(), idempotencyKey, aiReader));
      } catch (RuntimeException e) {
        SQLException limit = withSqlState(e, UsageLimits.PLAN_LIMIT_SQLSTATE);
        if (limit != null) {
          throw new UploadRejected(Reason.PLAN_LIMIT_EXCEEDED, serverMessage(limit));
        }
        throw e;
      }
      switch (r.outcome()) {
        case "created" -> {
          keep = true;
          return new Registered(r.shellFileId(), r.jobId(), false);
        }
        case "replayed" -> {
          return new Registered(r.shellFileId(), r.jobId(), true);
        }
        default -> throw new UploadRejected(Reason.IDEMPOTENCY_CONFLICT,
            "this Idempotency-Key was already used for a different file or profile");
      }
    } finally {
      if (!keep) {
        deleteQuietly(key);
      }
    }
  }

  private static SQLException withSqlState(Throwable e, String sqlState) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && sqlState.equals(sql.getSQLState())) {
        return sql;
      }
    }
    return null;
  }

  /** The limit's own message (written for the uploader in V090), without the driver's decorations. */
  private static String serverMessage(SQLException e) {
    if (e instanceof org.postgresql.util.PSQLException p && p.getServerErrorMessage() != null
        && p.getServerErrorMessage().getMessage() != null) {
      return p.getServerErrorMessage().getMessage();
    }
    return "the upload would pass a limit of the profile's plan";
  }

  private void deleteQuietly(String key) {
    try {
      storage.delete(key);
    } catch (IOException | RuntimeException e) {
      log.warn("could not delete unregistered object {} (the orphan sweeper will): {}", key, e.toString());
    }
  }
}
