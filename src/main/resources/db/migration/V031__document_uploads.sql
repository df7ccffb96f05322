-- Document uploads: the one transaction that registers a stored object as a shell file and
-- enqueues its processing, idempotent per uploader and key (defect 6: concurrent uploads with
-- one key made two rows and two jobs).
--
-- The server streams the bytes to storage first and computes their size and SHA-256 itself, then
-- calls register_upload; the client's claims about the file are never stored.

alter table public.shell_files
  add column content_sha256 text check (content_sha256 ~ '^[0-9a-f]{64}$');
alter table public.shell_files
  add constraint shell_files_document_type_known
  check (document_type in ('pdf', 'png', 'jpeg', 'tiff', 'text', 'ccda', 'fhir'));
comment on column public.shell_files.content_sha256 is
  'SHA-256 (hex) of the stored object, computed by the server while it streamed the upload.';

-- The orphan sweeper asks "is this key referenced?" by this index.
create index shell_files_storage_path on public.shell_files (storage_path);

-- People write the upload's own columns only. Status, extraction results and worker columns are
-- the workers' (service role); before this a user could insert a file as already 'completed'.
revoke insert on table public.shell_files from authenticated;
grant insert (patient_id, uploaded_by, filename, original_filename, file_size_bytes, mime_type,
              storage_path, idempotency_key, content_sha256, document_type)
  on table public.shell_files to authenticated;

-- register_upload: record an uploaded object for p_patient_id and enqueue its processing, in one
-- transaction. The caller must be able to upload for the profile (owner, or a grantee at
-- read_write with can_upload_documents): 42501 otherwise, before anything is written.
--
-- Outcomes:
--   created   a new shell file and its shell_file_processing job;
--   replayed  the same uploader sent the same key with the same content for the same profile
--             before: the earlier file and job are returned, nothing is written;
--   conflict  the same key with different content or another profile: nothing is written.
-- A created file is metered (V090__usage_metering.sql): on a plan with upload limits it is checked
-- and counted in this transaction, from the stored size (over a limit it raises EX402 and nothing
-- is written); on a plan without, the usage fold counts it once this transaction has committed.
-- Concurrent calls with one key serialise on the unique index shell_files_uploader_idempotency_key: one
-- creates, the others replay (or conflict).
--
-- p_ai_provider and p_ai_model name the AI pair that will read the document (the server's
-- configuration; null for the offline extractor). A document read as text (every type but C-CDA
-- and FHIR, which are parsed) gets them in its job's payload, so the enqueue backpressure hook
-- (V080) schedules the job for when that pair has capacity instead of at once.
create function public.register_upload(
  p_patient_id        uuid,
  p_filename          text,
  p_original_filename text,
  p_file_size_bytes   bigint,
  p_mime_type         text,
  p_document_type     text,
  p_storage_path      text,
  p_content_sha256    text,
  p_idempotency_key   text default null,
  p_ai_provider       text default null,
  p_ai_model          text default null
) returns table (shell_file_id uuid, job_id uuid, outcome text)
  language plpgsql
  security definer
  set search_path = ''
  as $$
#variable_conflict use_column
declare
  v_user uuid := auth.uid();
  v_file uuid;
  v_job uuid;
  v_existing public.shell_files;
  v_created public.shell_files;
  v_counts_now boolean;
begin
  -- Owner, or a live grant at read_write or above that also carries can_upload_documents.
  if v_user is null or p_patient_id is null
     or p_patient_id not in (select public.my_profiles('read_write', 'upload_documents')) then
    raise exception 'you cannot upload documents for this profile' using errcode = '42501';
  end if;

  -- Metering (V090): on a plan without upload limits, usage_xact marks the upload for the fold, which
  -- counts it once this transaction has ended; a plan with limits is checked and counted below.
  v_counts_now := public.usage_upload_counts_now(p_patient_id);
  insert into public.shell_files as f (patient_id, uploaded_by, filename, original_filename, file_size_bytes,
                                       mime_type, document_type, storage_path, content_sha256, idempotency_key,
                                       usage_xact)
  values (p_patient_id, v_user, p_filename, p_original_filename, p_file_size_bytes, p_mime_type,
          p_document_type, p_storage_path, p_content_sha256, p_idempotency_key,
          case when not v_counts_now then pg_current_xact_id()::text::bigint end)
  on conflict (uploaded_by, idempotency_key) where idempotency_key is not null do nothing
  returning f.id into v_file;

  if v_file is null then
    select * into v_existing from public.shell_files f
     where f.uploaded_by = v_user and f.idempotency_key = p_idempotency_key;
    if v_existing.patient_id = p_patient_id and v_existing.content_sha256 = p_content_sha256 then
      return query select v_existing.id, v_existing.processing_job_id, 'replayed'::text;
    else
      return query select null::uuid, null::uuid, 'conflict'::text;
    end if;
    return;
  end if;

  -- Structured and plain-text documents are quick; PDFs and images (OCR) are not.
  select e.job_id into v_job
    from public.enqueue_job_v3('shell_file_processing', left('process ' || p_filename, 200),
           jsonb_build_object('shell_file_id', v_file, 'patient_id', p_patient_id,
                              'job_lane', case when p_document_type in ('ccda', 'fhir', 'text')
                                               then 'fast_queue' else 'standard_queue' end)
           || case when p_ai_provider is not null and p_document_type not in ('ccda', 'fhir')
                   then jsonb_build_object('ai_provider', p_ai_provider, 'ai_model', coalesce(p_ai_model, '*'))
                   else '{}'::jsonb end,
           'standard', 5) e;
  update public.shell_files f set processing_job_id = v_job where f.id = v_file
  returning * into v_created;
  -- A plan with upload limits: checked and counted in this transaction (a replay above never
  -- reaches here), with the stored size and the server's page estimate (V090). Over a limit it
  -- raises EX402 (402 plan_limit_exceeded), which rolls back the row and the job; the caller
  -- deletes the object.
  if v_counts_now then
    perform public.usage_count_upload(v_created, p_enforce => true);
  end if;
  return query select v_file, v_job, 'created'::text;
end
$$;
comment on function public.register_upload(uuid, text, text, bigint, text, text, text, text, text, text, text) is
  'Caller needs upload rights on p_patient_id (42501). Inserts the shell file and enqueues its processing job atomically, metered: checked and counted against a plan with upload limits (EX402 over a limit), else marked for the usage fold; returns created, replayed (same key and content) or conflict.';
revoke all on function public.register_upload(uuid, text, text, bigint, text, text, text, text, text, text, text) from public, anon;
grant execute on function public.register_upload(uuid, text, text, bigint, text, text, text, text, text, text, text)
  to authenticated;
