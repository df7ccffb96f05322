-- The operators' job listing reads job_queue newest first (V072's operator_list_jobs). With no
-- index on created_at it read and sorted the whole live table for every page, and for a status
-- that only the archive holds as well: 160-210 ms a page at 200,000 queued jobs (55 ms for
-- dead letters, none of them live), on this machine's PostgreSQL 15.
--
-- created_at is never changed after the insert, so claims and heartbeats stay HOT updates
-- (decision 0014); the index costs a batch enqueue about 3-5% and a completion nothing (a delete
-- writes no index entry).
--
-- A forward migration rather than an edit of V070/V072: a database migrated by an earlier build
-- takes it as it is.
create index job_queue_created on public.job_queue (created_at, id);

-- operator_list_jobs: as in V072, with three changes.
-- * Paging is by (created_at, id), newest first: pass the last row's created_at as p_before and its
--   id as p_before_id. By created_at alone (V072) a page boundary inside one enqueue batch, whose
--   jobs share the transaction's now(), skipped the rest of the batch. Without p_before_id, the
--   page holds jobs created strictly before p_before, as before.
-- * The live table is read only for a live status (or any status), and only through
--   job_queue_created (the "Plans" rule of V071: the table's statistics are always stale, and a
--   cached generic plan chose the scan). A page then costs about a millisecond at 200,000 queued
--   jobs; a live status that few of them have ('processing' in a large backlog) is still read
--   newest first through the whole index, a few hundred milliseconds.
-- * The archive's ties on created_at are put in id order by an incremental sort over
--   job_queue_archive_status_created (an index with id in it would cost every completion more).
drop function public.operator_list_jobs(text, integer, timestamptz);
create function public.operator_list_jobs(p_status text default null, p_limit integer default 100,
                                          p_before timestamptz default null, p_before_id uuid default null)
  returns table (id uuid, job_type text, job_lane text, job_name text, status text, priority integer,
                 retry_count integer, max_retries integer, attempt integer, worker_id text,
                 scheduled_at timestamptz, created_at timestamptz, started_at timestamptz,
                 completed_at timestamptz, dead_letter_at timestamptz, dead_letter_reason text,
                 last_error text, patient_id uuid, shell_file_id uuid)
  language plpgsql
  stable
  security definer
  set search_path = ''
  set enable_seqscan = off
  set jit = off
  as $$
declare
  -- below every id: (created_at, id) < (p_before, v_no_id) is created_at < p_before
  v_no_id constant uuid := '00000000-0000-0000-0000-000000000000';
begin
  if not (public.is_service_role() or public.is_admin()) then
    raise exception 'only operators may list jobs' using errcode = '42501';
  end if;
  if p_status is not null and p_status not in ('pending', 'processing', 'retrying', 'deferred',
                                               'completed', 'failed', 'cancelled') then
    raise exception 'unknown job status: %', p_status using errcode = '22023';
  end if;
  if p_limit is null or p_limit not between 1 and 500 then
    raise exception 'limit must be between 1 and 500' using errcode = '22023';
  end if;
  return query
    select q.id, q.job_type, q.job_lane, q.job_name, q.status, q.priority, q.retry_count, q.max_retries,
           q.attempt, q.worker_id, q.scheduled_at, q.created_at, q.started_at, q.completed_at,
           q.dead_letter_at, q.dead_letter_reason, q.last_error, q.patient_id, q.shell_file_id
      from (select * from public.job_queue l
             where (p_status is null or p_status in ('pending', 'processing', 'retrying', 'deferred'))
               and (p_status is null or l.status = p_status)
               and (p_before is null or (l.created_at, l.id) < (p_before, coalesce(p_before_id, v_no_id)))
             order by l.created_at desc, l.id desc limit p_limit) q
    union all
    select a.id, a.job_type, a.job_lane, a.job_name, a.status, a.priority, a.retry_count, a.max_retries,
           a.attempt, a.worker_id, a.scheduled_at, a.created_at, a.started_at, a.completed_at,
           a.dead_letter_at, a.dead_letter_reason, a.last_error, a.patient_id, a.shell_file_id
      from unnest(array['completed', 'failed', 'cancelled']) as s(status)
      cross join lateral (
        select * from public.job_queue_archive x
         where x.status = s.status
           and (p_before is null or (x.created_at, x.id) < (p_before, coalesce(p_before_id, v_no_id)))
         order by x.created_at desc, x.id desc limit p_limit) a
     where p_status is null or s.status = p_status
     order by 12 desc, 1 desc
     limit p_limit;
end
$$;
comment on function public.operator_list_jobs(text, integer, timestamptz, uuid) is
  'Operators only (42501 otherwise): job metadata, newest first by (created_at, id), by status; 22023 for an unknown status or a limit outside 1..500.';
revoke all on function public.operator_list_jobs(text, integer, timestamptz, uuid) from public, anon;
grant execute on function public.operator_list_jobs(text, integer, timestamptz, uuid) to authenticated, service_role;
