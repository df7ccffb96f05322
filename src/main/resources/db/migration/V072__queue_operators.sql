-- Operators' view of the queue: list jobs, list workers, and re-queue a dead letter. Jobs are
-- infrastructure that users never touch (seed 001), so these are SECURITY DEFINER functions that
-- admit only the service role and admins (app_metadata.is_admin), and they return job metadata
-- but never payloads or results: a payload may carry a patient's data, and an operator looking
-- after the queue has no need to read it.

-- operator_list_jobs: jobs of one status (null = any), newest first, up to p_limit (1..500), and
-- only those created before p_before when given (keyset paging: pass the last row's created_at).
-- Live jobs come from job_queue, finished ones from job_queue_archive, each status read newest
-- first from its own index (the archive's (status, created_at)) and merged.
create function public.operator_list_jobs(p_status text default null, p_limit integer default 100,
                                          p_before timestamptz default null)
  returns table (id uuid, job_type text, job_lane text, job_name text, status text, priority integer,
                 retry_count integer, max_retries integer, attempt integer, worker_id text,
                 scheduled_at timestamptz, created_at timestamptz, started_at timestamptz,
                 completed_at timestamptz, dead_letter_at timestamptz, dead_letter_reason text,
                 last_error text, patient_id uuid, shell_file_id uuid)
  language plpgsql
  stable
  security definer
  set search_path = ''
  as $$
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
             where (p_status is null or l.status = p_status) and (p_before is null or l.created_at < p_before)
             order by l.created_at desc limit p_limit) q
    union all
    select a.id, a.job_type, a.job_lane, a.job_name, a.status, a.priority, a.retry_count, a.max_retries,
           a.attempt, a.worker_id, a.scheduled_at, a.created_at, a.started_at, a.completed_at,
           a.dead_letter_at, a.dead_letter_reason, a.last_error, a.patient_id, a.shell_file_id
      from unnest(array['completed', 'failed', 'cancelled']) as s(status)
      cross join lateral (
        select * from public.job_queue_archive x
         where x.status = s.status and (p_before is null or x.created_at < p_before)
         order by x.created_at desc limit p_limit) a
     where p_status is null or s.status = p_status
     order by 12 desc
     limit p_limit;
end
$$;
comment on function public.operator_list_jobs(text, integer, timestamptz) is
  'Operators only (42501 otherwise): job metadata, newest first, by status; 22023 for an unknown status or a limit outside 1..500.';

-- operator_retry_job: re-queue a dead-lettered job with its retries reset. Says why when it
-- cannot: 'not_found', 'not_dead_lettered' (it is live or finished otherwise), or 'superseded'
-- (a newer live job for the same file exists, and a second would break one-live-job-per-file).
create function public.operator_retry_job(p_job_id uuid)
  returns text
  language plpgsql
  security definer
  set search_path = ''
  as $$
declare
  v_job public.job_queue;
begin
  if not (public.is_service_role() or public.is_admin()) then
    raise exception 'only operators may retry jobs' using errcode = '42501';
  end if;
  select * into v_job from public.job_queue_all q where q.id = p_job_id;
  if not found then
    return 'not_found';
  end if;
  if v_job.status <> 'failed' then
    return 'not_dead_lettered';
  end if;
  if v_job.shell_file_id is not null and exists (
       select 1 from public.job_queue q
        where q.job_type = v_job.job_type and q.shell_file_id = v_job.shell_file_id) then
    return 'superseded';
  end if;
  -- false when another operator's retry (or the archive's retention) got there first
  if not public.retry_dead_job(p_job_id) then
    return 'not_dead_lettered';
  end if;
  return 'retried';
end
$$;
comment on function public.operator_retry_job(uuid) is
  'Operators only: re-queues a dead-lettered job; returns retried, not_found, not_dead_lettered or superseded.';

-- operator_list_workers: the worker registry, most recently seen first. A worker whose
-- last_seen_at is older than worker.timeout_seconds and has no stopped_at has died.
create function public.operator_list_workers()
  returns table (worker_id text, host text, lanes text[], started_at timestamptz, last_seen_at timestamptz,
                 active_jobs integer, stopped_at timestamptz, alive boolean)
  language plpgsql
  stable
  security definer
  set search_path = ''
  as $$
begin
  if not (public.is_service_role() or public.is_admin()) then
    raise exception 'only operators may list workers' using errcode = '42501';
  end if;
  return query
    select w.worker_id, w.host, w.lanes, w.started_at, w.last_seen_at, w.active_jobs, w.stopped_at,
           w.stopped_at is null
             and w.last_seen_at >= now() - make_interval(secs => public.queue_setting('worker.timeout_seconds', 60))
      from public.job_workers w
     order by w.last_seen_at desc
     limit 1000;
end
$$;
comment on function public.operator_list_workers() is
  'Operators only: the worker registry with a liveness flag (seen within worker.timeout_seconds, not stopped).';

revoke all on function public.operator_list_jobs(text, integer, timestamptz), public.operator_retry_job(uuid),
                       public.operator_list_workers() from public, anon;
grant execute on function public.operator_list_jobs(text, integer, timestamptz), public.operator_retry_job(uuid),
                          public.operator_list_workers() to authenticated, service_role;
