package io.exora.api;

import io.exora.db.Caller;
import io.exora.documents.ShellFiles;
import io.exora.documents.UploadRejected;
import io.exora.documents.UploadRejected.Reason;
import io.exora.documents.Uploads;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.commons.fileupload2.core.FileItemInput;
import org.apache.commons.fileupload2.core.FileItemInputIterator;
import org.apache.commons.fileupload2.core.FileUploadSizeException;
import org.apache.commons.fileupload2.jakarta.servlet6.JakartaServletFileUpload;

/**
 * Documents: upload (multipart, streamed straight to storage), list, read and soft delete. The
 * {@code patient_id} field must come before the {@code file} part (or be given as a query
 * parameter), so that the uploader's right is checked before a byte of the file is read.
 */
final class ShellFileRoutes {
  /** Room for the multipart boundaries and the small fields around the file. */
  static final long MULTIPART_OVERHEAD_BYTES = 64 * 1024;
  static final int MAX_FIELD_BYTES = 1024;
  static final int DEFAULT_LIST_LIMIT = 50;
  static final int MAX_LIST_LIMIT = 200;
  private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7E]{1,255}");

  private final Requests requests;
  private final Uploads uploads;

  ShellFileRoutes(Requests requests, Uploads uploads) {
    this.requests = requests;
    this.uploads = uploads;
  }

  void register(RoutesConfig routes) {
    routes.post("/v1/shell-files", this::upload);
    routes.get("/v1/shell-files", this::list);
    routes.get("/v1/shell-files/{id}", this::get);
    routes.delete("/v1/shell-files/{id}", this::delete);
  }

  private void upload(Context ctx) throws IOException {
    requests.userId(ctx);
    Caller caller = requests.caller(ctx);
    String idempotencyKey = idempotencyKey(ctx);
    if (!JakartaServletFileUpload.isMultipartContent(ctx.req())) {
      throw new UploadRejected(Reason.MALFORMED, "send the document as multipart/form-data with a 'file' part");
    }
    long declared = ctx.req().getContentLengthLong();
    if (declared > Uploads.MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD_BYTES) {
      throw new UploadRejected(Reason.TOO_LARGE, "the request is larger than the limit of "
          + Uploads.MAX_UPLOAD_BYTES + " bytes (50 MiB)");
    }
    UUID patientId = optionalUuid(ctx.queryParam("patient_id"));
    JakartaServletFileUpload<?, ?> parser = new JakartaServletFileUpload<>();
    parser.setSizeMax(Uploads.MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD_BYTES);
    parser.setFileCountMax(4);
    Uploads.Registered registered = null;
    try {
      FileItemInputIterator parts = parser.getItemIterator(ctx.req());
      while (registered == null && parts.hasNext()) {
        FileItemInput part = parts.next();
        if (part.isFormField()) {
          if ("patient_id".equals(part.getFieldName())) {
            UUID fromField = optionalUuid(readField(part));
            if (patientId != null && fromField != null && !patientId.equals(fromField)) {
              throw ApiError.badRequest("invalid_input", "patient_id differs between the query and the form");
            }
            patientId = fromField != null ? fromField : patientId;
          }
          continue;
        }
        if (!"file".equals(part.getFieldName())) {
          continue;
        }
        if (patientId == null) {
          throw ApiError.badRequest("invalid_input", "patient_id is required, before the file part");
        }
        // The right and the plan, before a byte of the file is read or stored (402 when the plan is used up).
        if (!uploads.admit(caller, CorrelationIds.of(ctx), patientId, idempotencyKey)) {
          throw ApiError.forbidden("you cannot upload documents for this profile");
        }
        try (InputStream content = part.getInputStream()) {
          registered = uploads.upload(caller, CorrelationIds.of(ctx), patientId, part.getName(), idempotencyKey, content);
        }
      }
    } catch (FileUploadSizeException e) {
      throw new UploadRejected(Reason.TOO_LARGE, "the request is larger than the limit of "
          + Uploads.MAX_UPLOAD_BYTES + " bytes (50 MiB)");
    } catch (org.apache.commons.fileupload2.core.FileUploadException e) {
      throw new UploadRejected(Reason.MALFORMED, "the multipart body could not be read: " + e.getMessage());
    }
    if (registered == null) {
      throw new UploadRejected(Reason.MALFORMED, "the request has no 'file' part");
    }
    if (registered.replayed()) {
      ctx.header("Idempotent-Replayed", "true");
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("shell_file_id", registered.shellFileId());
    body.put("job_id", registered.jobId());
    body.put("status", "enqueued");
    ctx.status(201).json(body);
  }

  private void list(Context ctx) {
    requests.userId(ctx);
    UUID patientId = optionalUuid(ctx.queryParam("patient_id"));
    if (patientId == null) {
      throw ApiError.badRequest("invalid_input", "patient_id is required");
    }
    int limit = QueryParams.intInRange(ctx, "limit", DEFAULT_LIST_LIMIT, 1, MAX_LIST_LIMIT);
    ctx.json(Map.of("shell_files", requests.asCaller(ctx, h -> ShellFiles.list(h, patientId, limit))));
  }

  private void get(Context ctx) {
    requests.userId(ctx);
    UUID id = ProfileRoutes.uuid(ctx, "id");
    ctx.json(requests.asCaller(ctx, h -> ShellFiles.find(h, id))
        .orElseThrow(() -> ApiError.notFound("shell file " + id)));
  }

  private void delete(Context ctx) {
    requests.userId(ctx);
    UUID id = ProfileRoutes.uuid(ctx, "id");
    boolean visible = requests.asCaller(ctx, h -> ShellFiles.find(h, id).isPresent());
    if (!visible) {
      throw ApiError.notFound("shell file " + id);
    }
    if (!requests.asCaller(ctx, h -> ShellFiles.softDelete(h, id))) {
      throw ApiError.forbidden("deleting a document needs full access to the profile");
    }
    ctx.status(204);
  }

  private static String idempotencyKey(Context ctx) {
    String key = ctx.header("Idempotency-Key");
    if (key == null) {
      key = ctx.header("x-idempotency-key");
    }
    if (key == null) {
      return null;
    }
    if (!IDEMPOTENCY_KEY.matcher(key).matches()) {
      throw ApiError.badRequest("invalid_idempotency_key", "Idempotency-Key must be 1 to 255 visible ASCII characters");
    }
    return key;
  }

  private static String readField(FileItemInput part) throws IOException {
    try (InputStream in = part.getInputStream()) {
      byte[] value = in.readNBytes(MAX_FIELD_BYTES + 1);
      if (value.length > MAX_FIELD_BYTES) {
        throw ApiError.badRequest("invalid_input", part.getFieldName() + " is longer than " + MAX_FIELD_BYTES + " bytes");
      }
      return new String(value, StandardCharsets.UTF_8).strip();
    }
  }

  private static UUID optionalUuid(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return UUID.fromString(value.strip());
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest("invalid_input", "patient_id must be a UUID");
    }
  }
}
