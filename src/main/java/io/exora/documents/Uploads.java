package io.exora.documents;

import io.exora.db.Caller;
import io.exora.db.RequestTransactions;
import io.exora.documents.UploadRejected.Reason;
import io.exora.documents.storage.ObjectStorage;
import io.exora.documents.storage.ObjectTooLarge;
import io.exora.documents.storage.StoredObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes one document from a person: streams it to storage (hashing and measuring it on the way),
 * then registers it and enqueues its processing in one database transaction as that person. If
 * anything fails after the bytes are stored, the stored object is removed; an object orphaned by a
 * crash in between is removed later by the orphan sweeper.
 */
public final class Uploads {
  private static final Logger log = LoggerFactory.getLogger(Uploads.class);
  /** The largest document accepted: 50 MiB. */
  public static final long MAX_UPLOAD_BYTES = 50L * 1024 * 1024;
  /** Storage keys name no person and no file name: a random id under one prefix. */
  static final String KEY_PREFIX = "shell-files/";

  private final ObjectStorage storage;
  private final RequestTransactions transactions;

  /** What the uploader gets back; {@code replayed} when the idempotency key was seen with this content. */
  public record Registered(UUID shellFileId, UUID jobId, boolean replayed) {}

  public Uploads(ObjectStorage storage, RequestTransactions transactions) {
    this.storage = storage;
    this.transactions = transactions;
  }

  /** True when the caller may upload for the profile; checked before the bytes are read when it can be. */
  public boolean canUpload(Caller caller, UUID patientId) {
    return transactions.run(caller, null, h -> ShellFiles.canUpload(h, patientId));
  }

  /**
   * Stores and registers one document. {@code content} is read once, to its end or to the limit.
   *
   * @throws UploadRejected empty, too large, unsupported type, or an idempotency conflict
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
      ShellFiles.Registration r = transactions.run(caller, correlationId, h -> ShellFiles.register(h, patientId,
          name, name, stored.size(), type, key, stored.sha256(), idempotencyKey));
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

  private void deleteQuietly(String key) {
    try {
      storage.delete(key);
    } catch (IOException | RuntimeException e) {
      log.warn("could not delete unregistered object {} (the orphan sweeper will): {}", key, e.toString());
    }
  }
}
