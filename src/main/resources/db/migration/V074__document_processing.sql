-- Document processing: the shell file's lifecycle as its processing job moves.
--   uploaded -> processing   the worker begins an attempt (begin_shell_file_processing)
--   processing -> completed  the handler's transaction, with the events and the fenced completion
--   processing -> failed     the handler's transaction (the document cannot be read), or the job
--                            was dead-lettered (this file's trigger below)
--   failed -> uploaded       an operator re-queued the dead-lettered job
-- processing_error is JSONB {code, message, stage, retryable}.

alter table public.shell_files
  add constraint shell_files_processing_error_shape
  check (processing_error is null
         or (processing_error ? 'stage' and processing_error ? 'retryable'
             and jsonb_typeof(processing_error -> 'retryable') = 'boolean'));

-- begin_shell_file_processing: mark the file as processing for attempt p_attempt of job p_job_id,
-- but only while that worker still holds that attempt (fencing: a zombie changes nothing).
-- Returns the file's row, or no row when the attempt is stale or the file is gone.
create function public.begin_shell_file_processing(p_shell_file_id uuid, p_job_id uuid, p_worker_id text,
                                                   p_attempt integer)
  returns setof public.shell_files
  language sql
  set search_path = ''
  as $$
    update public.shell_files f
       set status = 'processing', processing_started_at = now(), processing_completed_at = null,
           processing_error = null, processing_job_id = p_job_id, processing_worker_id = p_worker_id
     where f.id = p_shell_file_id
       and exists (select 1 from public.job_queue q
                    where q.id = p_job_id and q.worker_id = p_worker_id and q.attempt = p_attempt
                      and q.status = 'processing')
    returning f.*
  $$;
comment on function public.begin_shell_file_processing(uuid, uuid, text, integer) is
  'Service role: sets a shell file to processing for a held job attempt; no row when the attempt is not held.';
revoke all on function public.begin_shell_file_processing(uuid, uuid, text, integer) from public, anon, authenticated;
grant execute on function public.begin_shell_file_processing(uuid, uuid, text, integer) to service_role;

-- follow_processing_job: when a file's processing job is dead-lettered (its handler kept failing
-- for a reason it could not name, or its worker kept dying), the file must not stay 'processing'
-- for ever; and when an operator re-queues the job, the file is 'uploaded' again. The queue knows
-- nothing of files, so the link lives here, on the clinical side: a dead letter is a row arriving
-- in job_queue_archive as failed, and a re-queued one is a job arriving in job_queue with an error
-- already on record (a fresh job has none).
create function public.follow_processing_job() returns trigger
  language plpgsql
  security definer
  set search_path = ''
  as $$
begin
  if tg_table_name = 'job_queue_archive' then
    update public.shell_files f
       set status = 'failed', processing_completed_at = now(),
           processing_error = jsonb_build_object(
             'code', coalesce(new.error_details ->> 'code', 'processing_gave_up'),
             'message', coalesce(new.dead_letter_reason, new.last_error, 'processing failed'),
             'stage', coalesce(new.error_details ->> 'stage', 'processing'),
             'retryable', false)
     where f.id = new.shell_file_id and f.status in ('uploaded', 'processing');
  else
    update public.shell_files f
       set status = 'uploaded', processing_error = null, processing_completed_at = null
     where f.id = new.shell_file_id and f.status = 'failed';
  end if;
  return null;
end
$$;
comment on function public.follow_processing_job() is
  'AFTER INSERT trigger: a shell_file_processing job dead-lettered into job_queue_archive fails its file; one re-queued into job_queue resets it.';
revoke all on function public.follow_processing_job() from public, anon, authenticated;
create trigger job_queue_archive_follow_processing
  after insert on public.job_queue_archive
  for each row
  when (new.job_type = 'shell_file_processing' and new.shell_file_id is not null and new.status = 'failed')
  execute function public.follow_processing_job();
create trigger job_queue_follow_processing
  after insert on public.job_queue
  for each row
  when (new.job_type = 'shell_file_processing' and new.shell_file_id is not null and new.last_error is not null)
  execute function public.follow_processing_job();
