-- The job queue's RPCs. Names and leading parameters are the original's, so callers written
-- against it keep working; fencing parameters (p_attempt) were added at the end with defaults.
--
-- Privileges: these functions run with the caller's rights (SECURITY INVOKER) and EXECUTE is
-- granted to service_role only; the queue tables are closed to every other API role. So nothing
-- here needs a guard of its own, and nothing bypasses anything.
--
-- Time is always the database's (now(): the transaction's start), never a worker's clock.

-- Default lane for a job type when the producer names none. No SET clause (it reads nothing and
-- calls nothing that a search path could redirect), so the planner inlines it: a batch enqueue
-- evaluates it for every row, and a function call with a SET clause costs a configuration save
-- and restore each time.
create function public.default_job_lane(p_job_type text) returns text
  language sql immutable
  as $$
    select case p_job_type
             when 'shell_file_processing' then 'standard_queue'
             when 'ai_processing' then 'ai_queue_simple'
             else 'default'
           end
  $$;
comment on function public.default_job_lane(text) is 'The lane a job of this type runs in when none is named.';

-- job_problem(...): what is wrong with a job's type, lane, payload, category or priority, as the
-- message of the 22023 error that refuses it; null when nothing is. job_limits_problem: the same for
-- its name and max_retries. These are the rules, stated once: enqueue_job_v3 raises their answer
-- for one job (raise_job_problem), and enqueue_jobs_v3 asks them about a whole batch in one query.
-- Plain SQL without a SET clause (pg_catalog is searched first whatever the path), so that query
-- inlines them instead of calling a PL/pgSQL function twice per row, which was 40% of a batch
-- enqueue's time (docs/benchmarks.md, Queue). The CHECK constraints of job_queue (V070) refuse the
-- same rows, but with a constraint name instead of a reason.
create function public.job_problem(p_job_type text, p_job_lane text, p_job_payload jsonb,
                                   p_job_category text, p_priority integer)
  returns text
  language sql immutable
  as $$
    select case
      when p_job_type is null or p_job_type not in ('shell_file_processing', 'ai_processing', 'data_migration',
          'audit_cleanup', 'notification_delivery', 'report_generation', 'backup_operation',
          'system_maintenance', 'semantic_processing', 'consent_verification', 'provider_verification')
        then 'unknown job type: ' || coalesce(p_job_type, 'null')
      when p_job_lane is distinct from public.default_job_lane(p_job_type)
           and not (p_job_type = 'shell_file_processing' and p_job_lane in ('fast_queue', 'standard_queue'))
           and not (p_job_type = 'ai_processing' and p_job_lane in ('ai_queue_simple', 'ai_queue_complex'))
        then 'unknown lane ' || coalesce(p_job_lane, 'null') || ' for job type ' || p_job_type
      when p_job_payload is null or jsonb_typeof(p_job_payload) <> 'object' or p_job_payload = '{}'::jsonb
        then 'job payload must be a non-empty JSON object'
      when p_job_category is null
           or p_job_category not in ('critical', 'high_priority', 'standard', 'background', 'maintenance')
        then 'unknown job category: ' || coalesce(p_job_category, 'null')
      when p_priority is null or p_priority not between 1 and 10
        then 'priority must be between 1 (highest) and 10, got ' || coalesce(p_priority::text, '<NULL>')
    end
  $$;
comment on function public.job_problem(text, text, jsonb, text, integer) is
  'The 22023 message for the first invalid field of a job (type, lane, payload, category, priority), or null.';

create function public.job_limits_problem(p_job_name text, p_max_retries integer)
  returns text
  language sql immutable
  as $$
    select case
      when p_job_name is null or length(p_job_name) not between 1 and 200
        then 'job name must be 1 to 200 characters'
      when p_max_retries is null or p_max_retries not between 0 and 100
        then 'max_retries must be between 0 and 100, got ' || coalesce(p_max_retries::text, '<NULL>')
    end
  $$;
comment on function public.job_limits_problem(text, integer) is
  'The 22023 message when a job''s name or max_retries is out of range, or null.';

-- raise_job_problem(problem): raises 22023 with job_problem's or job_limits_problem's message, when
-- there is one. Without it a bad name or retry count reached the CHECK constraints: 23514 naming a
-- constraint, with the whole row (the payload included) in the error's detail.
create function public.raise_job_problem(p_problem text)
  returns void
  language plpgsql immutable
  set search_path = ''
  as $$
begin
  if p_problem is not null then
    raise exception '%', p_problem using errcode = '22023';
  end if;
end
$$;
comment on function public.raise_job_problem(text) is
  'Raises 22023 with the message of a job''s first invalid field (job_problem, job_limits_problem); nothing for null.';

-- enqueue_job_v3: add one job; returns its id and when it becomes claimable. The lane, patient
-- and shell file come from the payload keys job_lane, patient_id and shell_file_id. A live job of
-- the same type for the same shell file is returned instead of a second one.
create function public.enqueue_job_v3(
  job_type       text,
  job_name       text,
  job_payload    jsonb,
  job_category   text        default 'standard',
  priority       integer     default 5,
  p_scheduled_at timestamptz default now()
) returns table (job_id uuid, scheduled_at timestamptz)
  language plpgsql
  set search_path = ''
  as $$
#variable_conflict use_column
declare
  v_lane text := coalesce(enqueue_job_v3.job_payload ->> 'job_lane', public.default_job_lane(enqueue_job_v3.job_type));
  v_file uuid := (enqueue_job_v3.job_payload ->> 'shell_file_id')::uuid;
  v_max_retries integer := coalesce((enqueue_job_v3.job_payload ->> 'max_retries')::integer, 3);
begin
  perform public.raise_job_problem(coalesce(
    public.job_problem(enqueue_job_v3.job_type, v_lane, enqueue_job_v3.job_payload, enqueue_job_v3.job_category,
                       enqueue_job_v3.priority),
    public.job_limits_problem(enqueue_job_v3.job_name, v_max_retries)));
  return query
    insert into public.job_queue as q (job_type, job_lane, job_category, job_name, job_payload, priority,
                                       scheduled_at, patient_id, shell_file_id, max_retries)
    values (enqueue_job_v3.job_type, v_lane, enqueue_job_v3.job_category, enqueue_job_v3.job_name,
            enqueue_job_v3.job_payload, enqueue_job_v3.priority,
            greatest(coalesce(p_scheduled_at, now()), now()),
            (enqueue_job_v3.job_payload ->> 'patient_id')::uuid, v_file, v_max_retries)
    on conflict (job_type, shell_file_id)
      where shell_file_id is not null and status in ('pending', 'processing', 'retrying', 'deferred')
      do nothing
    returning q.id, q.scheduled_at;
  if not found then
    return query
      select q.id, q.scheduled_at from public.job_queue q
       where q.job_type = enqueue_job_v3.job_type and q.shell_file_id = v_file
         and q.status in ('pending', 'processing', 'retrying', 'deferred');
  end if;
end
$$;
comment on function public.enqueue_job_v3(text, text, jsonb, text, integer, timestamptz) is
  'Enqueues one job (or returns the live job of the same type for the same shell file). Raises 22023 on invalid input.';

-- enqueue_jobs_v3: many jobs in one statement. p_jobs is a JSON array of objects with the keys of
-- enqueue_job_v3 (job_type, job_name, job_payload, job_category, priority, scheduled_at) plus
-- optional job_lane and max_retries. Returns one row per job, in input order; like
-- enqueue_job_v3, a file job that has a live job of the same type for the same shell file (enqueued
-- earlier, or earlier in the same batch) returns that job's id instead of a new one.
create function public.enqueue_jobs_v3(p_jobs jsonb)
  returns table (job_id uuid, scheduled_at timestamptz)
  language plpgsql
  set search_path = ''
  as $$
#variable_conflict use_column
declare
  v_problem text;
  v_ids uuid[];
begin
  if p_jobs is null or jsonb_typeof(p_jobs) <> 'array' or jsonb_array_length(p_jobs) = 0 then
    raise exception 'jobs must be a non-empty JSON array' using errcode = '22023';
  end if;
  if jsonb_array_length(p_jobs) > 10000 then
    raise exception 'at most 10000 jobs per batch, got %', jsonb_array_length(p_jobs) using errcode = '22023';
  end if;
  -- The first invalid job, if any, found in one query, refused with the message a single enqueue
  -- would get.
  select p.problem into v_problem
    from jsonb_array_elements(p_jobs) with ordinality as j(job, ord)
   cross join lateral (
     select coalesce(
              public.job_problem(j.job ->> 'job_type',
                                 coalesce(j.job ->> 'job_lane', public.default_job_lane(j.job ->> 'job_type')),
                                 j.job -> 'job_payload', coalesce(j.job ->> 'job_category', 'standard'),
                                 coalesce((j.job ->> 'priority')::integer, 5)),
              public.job_limits_problem(coalesce(j.job ->> 'job_name', j.job ->> 'job_type'),
                                        coalesce((j.job ->> 'max_retries')::integer, 3))) as problem) p
   where p.problem is not null
   order by j.ord
   limit 1;
  perform public.raise_job_problem(v_problem);

  -- Every input gets its id before the insert, so that each result row can be matched back to its
  -- input: an input whose row was not inserted (ON CONFLICT DO NOTHING) returns the live job.
  v_ids := array(select gen_random_uuid() from generate_series(1, jsonb_array_length(p_jobs)));
  insert into public.job_queue as q (id, job_type, job_lane, job_category, job_name, job_payload,
                                     priority, scheduled_at, patient_id, shell_file_id, max_retries)
  select v_ids[i.ord],
         i.job ->> 'job_type',
         coalesce(i.job ->> 'job_lane', public.default_job_lane(i.job ->> 'job_type')),
         coalesce(i.job ->> 'job_category', 'standard'),
         coalesce(i.job ->> 'job_name', i.job ->> 'job_type'),
         i.job -> 'job_payload',
         coalesce((i.job ->> 'priority')::integer, 5),
         -- clock_timestamp(), not now(): rows of one batch get increasing times in input order,
         -- so the claim order (priority, scheduled_at) is first in, first out within a batch and
         -- a rescued job keeps its place ahead of its batch-mates instead of tying with them.
         greatest(coalesce((i.job ->> 'scheduled_at')::timestamptz, clock_timestamp()), now()),
         (i.job -> 'job_payload' ->> 'patient_id')::uuid,
         (i.job -> 'job_payload' ->> 'shell_file_id')::uuid,
         coalesce((i.job ->> 'max_retries')::integer, 3)
    from jsonb_array_elements(p_jobs) with ordinality as i(job, ord)
   order by i.ord
  on conflict (job_type, shell_file_id)
    where shell_file_id is not null and status in ('pending', 'processing', 'retrying', 'deferred')
    do nothing;

  -- A new statement: it sees the rows just inserted, including a duplicate's live job inserted
  -- earlier in this batch.
  return query
    select coalesce(own.id, live.id), coalesce(own.scheduled_at, live.scheduled_at)
      from jsonb_array_elements(p_jobs) with ordinality as i(job, ord)
      left join public.job_queue own on own.id = v_ids[i.ord]
      left join lateral (
        select q.id, q.scheduled_at from public.job_queue q
         where own.id is null
           and q.job_type = i.job ->> 'job_type'
           and q.shell_file_id = (i.job -> 'job_payload' ->> 'shell_file_id')::uuid
         -- the live job; should it have finished since the insert, the one that was live then
         order by q.status in ('pending', 'processing', 'retrying', 'deferred') desc, q.created_at desc
         limit 1) live on true
     order by i.ord;
end
$$;
comment on function public.enqueue_jobs_v3(jsonb) is
  'Enqueues up to 10000 jobs in one statement (one id per input, in order; a live duplicate''s id for a file job); validates every job first (22023 names the first bad one).';

-- rescue_stale_jobs: held jobs whose last heartbeat is older than worker.timeout_seconds plus a
-- per-attempt jitter in 0..worker.rescue_jitter_seconds get another chance (status retrying), or
-- are dead-lettered when they have used their retries. The UPDATE re-checks the state it selected
-- on, so a job completed between the scan and the update is never overwritten.
--
-- The jitter spreads the moments at which a dead worker's jobs come back, but a rescued job keeps
-- its scheduled_at: it was already at the head of the queue once, so it goes back there, ahead of
-- any backlog, rather than behind every job that became ready while it was held. The jitter is
-- a hash of (id, attempt), so every claimer computes the same moment for the same attempt.
create function public.rescue_stale_jobs(p_limit integer default 100)
  returns table (job_id uuid, new_status text)
  language plpgsql
  set search_path = ''
  as $$
declare
  v_cutoff timestamptz := now() - make_interval(secs => public.queue_setting('worker.timeout_seconds', 60));
  v_jitter numeric := public.queue_setting('worker.rescue_jitter_seconds', 2);
begin
  return query
    with stale as (
      select q.id from public.job_queue q
       where q.status = 'processing' and q.heartbeat_at < v_cutoff
         -- hashtext is a signed 32-bit integer: map it onto 0..1.
         and q.heartbeat_at < v_cutoff - make_interval(secs =>
               v_jitter * ((hashtext(q.id::text || ':' || q.attempt)::bigint + 2147483648) / 4294967295.0))
       order by q.heartbeat_at
       limit p_limit
       for update skip locked
    )
    update public.job_queue q
       set status             = case when q.retry_count >= q.max_retries then 'failed' else 'retrying' end,
           retry_count        = case when q.retry_count >= q.max_retries then q.retry_count else q.retry_count + 1 end,
           dead_letter_at     = case when q.retry_count >= q.max_retries then now() end,
           dead_letter_reason = case when q.retry_count >= q.max_retries
                                     then 'worker stopped heart-beating on the last attempt' end,
           completed_at       = case when q.retry_count >= q.max_retries then now() end,
           heartbeat_at       = null,
           last_error         = 'worker ' || q.worker_id || ' stopped heart-beating (attempt ' || q.attempt || ')',
           updated_at         = now()
      from stale
     where q.id = stale.id and q.status = 'processing' and q.heartbeat_at < v_cutoff
    returning q.id, q.status;
end
$$;
comment on function public.rescue_stale_jobs(integer) is
  'Re-queues, in their old place, or dead-letters held jobs whose heartbeat is older than worker.timeout_seconds plus a per-attempt jitter.';

-- claim_jobs_v3: claim up to p_limit ready jobs of the given types and lanes (null = any), by
-- priority (1 first) then readiness, and return them in that order. Each claim bumps the job's
-- attempt (the fencing token). Rescues a few stale jobs first, so a dead worker's job is picked up
-- without a separate daemon.
--
-- The ready jobs are read lane by lane, each with `job_lane = <lane>`: only an equality lets the
-- index job_queue_ready (job_lane, priority, scheduled_at) hand them over in claim order, so a
-- claim reads the few jobs it takes. With `job_lane = any (lanes)` the claim read and sorted every
-- ready job of the lanes (the whole backlog) on every call. With several lanes, up to p_limit
-- jobs per lane are locked and the best p_limit of them claimed; the others are unlocked at commit.
create function public.claim_jobs_v3(p_worker_id text, p_limit integer,
                                     p_job_types text[] default null, p_job_lanes text[] default null)
  returns table (job_id uuid, job_type text, job_lane text, job_payload jsonb, retry_count integer,
                 max_retries integer, attempt integer, patient_id uuid, shell_file_id uuid)
  language plpgsql
  set search_path = ''
  as $$
#variable_conflict use_column
declare
  -- null = every lane: the lanes that CHECK job_queue_lane_fits_type (V070) allows.
  v_lanes text[] := coalesce(p_job_lanes,
                             array['fast_queue', 'standard_queue', 'ai_queue_simple', 'ai_queue_complex', 'default']);
begin
  if p_worker_id is null or length(p_worker_id) not between 1 and 200 then
    raise exception 'worker id must be 1 to 200 characters' using errcode = '22023';
  end if;
  if p_limit is null or p_limit not between 1 and 10000 then
    raise exception 'claim limit must be between 1 and 10000' using errcode = '22023';
  end if;
  perform public.rescue_stale_jobs(least(p_limit, 100));
  return query
    with lanes as (
      select distinct l.lane from unnest(v_lanes) as l(lane)
    ), ready as (
      select r.id, r.priority, r.scheduled_at
        from lanes
        cross join lateral (
          select q.id, q.priority, q.scheduled_at from public.job_queue q
           where q.job_lane = lanes.lane
             and q.status in ('pending', 'retrying', 'deferred')
             and q.scheduled_at <= now()
             and (p_job_types is null or q.job_type = any (p_job_types))
           order by q.priority, q.scheduled_at
           limit p_limit
           for update skip locked) r
       order by r.priority, r.scheduled_at
       limit p_limit
    ), claimed as (
      update public.job_queue q
         set status = 'processing', worker_id = p_worker_id, attempt = q.attempt + 1,
             started_at = now(), heartbeat_at = now(), updated_at = now()
        from ready
       where q.id = ready.id
      returning q.id, q.job_type, q.job_lane, q.job_payload, q.retry_count, q.max_retries, q.attempt,
                q.patient_id, q.shell_file_id, q.priority, q.scheduled_at
    )
    -- UPDATE ... RETURNING comes in join order; hand the jobs over in claim order.
    select c.id, c.job_type, c.job_lane, c.job_payload, c.retry_count, c.max_retries, c.attempt,
           c.patient_id, c.shell_file_id
      from claimed c
     order by c.priority, c.scheduled_at;
end
$$;
comment on function public.claim_jobs_v3(text, integer, text[], text[]) is
  'Claims up to p_limit ready jobs (priority 1 first, then oldest), FOR UPDATE SKIP LOCKED; bumps attempt.';

-- claim_next_job_v3: the original's one-job claim.
create function public.claim_next_job_v3(p_worker_id text, p_job_types text[] default null,
                                         p_job_lanes text[] default null)
  returns table (job_id uuid, job_type text, job_payload jsonb, retry_count integer, attempt integer)
  language sql
  set search_path = ''
  as $$
    select c.job_id, c.job_type, c.job_payload, c.retry_count, c.attempt
      from public.claim_jobs_v3(p_worker_id, 1, p_job_types, p_job_lanes) c
  $$;
comment on function public.claim_next_job_v3(text, text[], text[]) is 'Claims one job; see claim_jobs_v3.';

-- heartbeat_jobs: one statement for all of a worker's held jobs. Returns the ids it still holds;
-- a job missing from the result was lost (rescued, cancelled) and its worker must stop it.
--
-- Locks its rows in id order, as complete_jobs does: a worker's heart-beater and its batch
-- completers run at once on several connections over overlapping sets of rows, and locking them
-- in join order let them deadlock (40P01, seen in the queue benchmark). Each listed job is looked
-- up by its primary key alone (see complete_jobs for why), then checked.
create function public.heartbeat_jobs(p_worker_id text, p_job_ids uuid[], p_attempts integer[])
  returns setof uuid
  language sql
  set search_path = ''
  as $$
    with held as (
      select q.id
        from (select h.id, h.attempt from unnest(p_job_ids, p_attempts) as h(id, attempt) order by h.id) h
        cross join lateral (
          select q.id, q.attempt, q.worker_id, q.status from public.job_queue q
           where q.id = h.id
           limit 1
           for update) q
       where q.attempt = h.attempt and q.worker_id = p_worker_id and q.status = 'processing'
    )
    update public.job_queue q
       set heartbeat_at = now(), updated_at = now()
      from held
     where q.id = held.id
    returning q.id
  $$;
comment on function public.heartbeat_jobs(text, uuid[], integer[]) is
  'Refreshes heartbeat_at of the listed (job, attempt) pairs still held by the worker; returns those ids.';

-- update_job_heartbeat: the original's single-job heartbeat, fenced when p_attempt is given.
create function public.update_job_heartbeat(p_job_id uuid, p_worker_id text, p_attempt integer default null)
  returns boolean
  language sql
  set search_path = ''
  as $$
    with touched as (
      update public.job_queue q
         set heartbeat_at = now(), updated_at = now()
       where q.id = p_job_id and q.worker_id = p_worker_id and q.status = 'processing'
         and (p_attempt is null or q.attempt = p_attempt)
      returning 1)
    select exists (select 1 from touched)
  $$;
comment on function public.update_job_heartbeat(uuid, text, integer) is
  'Refreshes one held job''s heartbeat; false when the worker no longer holds it (under that attempt).';

-- complete_job: the fenced final write. Run it in the transaction that wrote the job's effects:
-- when it returns false the worker has lost the job and must roll back, so the effects of a
-- zombie run never commit.
create function public.complete_job(p_job_id uuid, p_worker_id text, p_job_result jsonb default null,
                                    p_attempt integer default null)
  returns boolean
  language sql
  set search_path = ''
  as $$
    with done as (
      update public.job_queue q
         set status = 'completed', completed_at = now(), heartbeat_at = null, job_result = p_job_result,
             updated_at = now()
       where q.id = p_job_id and q.worker_id = p_worker_id and q.status = 'processing'
         and (p_attempt is null or q.attempt = p_attempt)
      returning 1)
    select exists (select 1 from done)
  $$;
comment on function public.complete_job(uuid, text, jsonb, integer) is
  'Marks a held job completed; false (and no change) when the worker no longer holds it under that attempt.';

-- complete_jobs: many completions in one statement (jobs whose handlers wrote no effects).
-- Locks its rows in id order; see heartbeat_jobs.
--
-- Each listed job is fetched by its primary key in a LATERAL subquery whose LIMIT keeps the other
-- conditions out of it, and only then checked for worker, attempt and status. Joined directly, the
-- planner trusted statistics taken while the rows were still pending (no row 'processing'), chose
-- job_queue_held_heartbeat as "one row" and compared every listed id with every held job: a batch
-- of 500 cost 250,000 comparisons and 80 ms, and the completions, not the claims, bounded the
-- queue's drain (docs/benchmarks.md, Queue). A row locked but then not ours (rescued and claimed
-- again) is left unchanged; its lock only lasts until this commit.
create function public.complete_jobs(p_worker_id text, p_job_ids uuid[], p_attempts integer[],
                                     p_results jsonb[] default null)
  returns setof uuid
  language sql
  set search_path = ''
  as $$
    with done as (
      select q.id, d.result
        from (select u.id, u.attempt, u.result
                from unnest(p_job_ids, p_attempts,
                            coalesce(p_results, array_fill(null::jsonb, array[cardinality(p_job_ids)])))
                       as u(id, attempt, result)
               order by u.id) d
        cross join lateral (
          select q.id, q.attempt, q.worker_id, q.status from public.job_queue q
           where q.id = d.id
           limit 1
           for update) q
       where q.attempt = d.attempt and q.worker_id = p_worker_id and q.status = 'processing'
    )
    update public.job_queue q
       set status = 'completed', completed_at = now(), heartbeat_at = null, job_result = done.result,
           updated_at = now()
      from done
     where q.id = done.id
    returning q.id
  $$;
comment on function public.complete_jobs(text, uuid[], integer[], jsonb[]) is
  'Completes the listed (job, attempt) pairs still held by the worker; returns the ids completed.';

-- fail_job: an attempt failed. Retryable, with retries left: status retrying, retry_count + 1,
-- and a backoff with full jitter, random(0, min(cap, base * 2^retry_count)), or at least
-- p_retry_after_seconds when the failure named one. Otherwise: dead-lettered. All in one
-- statement (defect 7: the original set 'failed' and nothing else). Returns the new status, or
-- null when the worker no longer holds the job.
create function public.fail_job(p_job_id uuid, p_worker_id text, p_attempt integer,
                                p_error_message text, p_error_details jsonb default null,
                                p_retryable boolean default true,
                                p_retry_after_seconds numeric default null)
  returns text
  language plpgsql
  set search_path = ''
  as $$
declare
  v_base   numeric := public.queue_setting('worker.retry_base_seconds', 2);
  v_cap    numeric := public.queue_setting('worker.retry_max_seconds', 3600);
  v_status text;
  -- null means the default (retryable); taken literally it dead-lettered the job with no reason.
  v_retryable boolean := coalesce(p_retryable, true);
begin
  if p_retry_after_seconds < 0 then
    raise exception 'retry_after must not be negative' using errcode = '22023';
  end if;
  update public.job_queue q
     set status             = case when v_retryable and q.retry_count < q.max_retries then 'retrying' else 'failed' end,
         retry_count        = case when v_retryable and q.retry_count < q.max_retries then q.retry_count + 1 else q.retry_count end,
         scheduled_at       = case when v_retryable and q.retry_count < q.max_retries
                                   then now() + make_interval(secs => greatest(coalesce(p_retry_after_seconds, 0),
                                          random() * least(v_cap, v_base * power(2, q.retry_count))))
                                   else q.scheduled_at end,
         dead_letter_at     = case when v_retryable and q.retry_count < q.max_retries then null else now() end,
         dead_letter_reason = case when not v_retryable then 'permanent error'
                                   when q.retry_count >= q.max_retries then 'retries exhausted'
                              end,
         completed_at       = case when v_retryable and q.retry_count < q.max_retries then null else now() end,
         heartbeat_at       = null,
         last_error         = left(p_error_message, 2000),
         error_details      = p_error_details,
         updated_at         = now()
   where q.id = p_job_id and q.worker_id = p_worker_id and q.attempt = p_attempt and q.status = 'processing'
  returning q.status into v_status;
  return v_status;
end
$$;
comment on function public.fail_job(uuid, text, integer, text, jsonb, boolean, numeric) is
  'Records a failed attempt: retry with jittered exponential backoff, or dead-letter. Null when the lease was lost.';

-- reschedule_job: put a job off without using a retry (capacity or rate limits say "not now").
-- The original's signature; fenced when the worker and attempt are given.
create function public.reschedule_job(p_job_id uuid, p_delay_seconds numeric, p_reason text,
                                      p_add_jitter boolean default true, p_worker_id text default null,
                                      p_attempt integer default null)
  returns boolean
  language plpgsql
  set search_path = ''
  as $$
begin
  if p_delay_seconds is null or p_delay_seconds < 0 then
    raise exception 'delay must be zero or more seconds, got %', p_delay_seconds using errcode = '22023';
  end if;
  update public.job_queue q
     set status = 'deferred',
         scheduled_at = now() + make_interval(secs => p_delay_seconds
                          + case when p_add_jitter then random() * least(p_delay_seconds * 0.1, 30) else 0 end),
         heartbeat_at = null,
         last_error = left(p_reason, 2000),
         updated_at = now()
   where q.id = p_job_id
     and (case when p_worker_id is null
               then q.status in ('pending', 'retrying', 'deferred', 'processing')
               else q.status = 'processing' and q.worker_id = p_worker_id
                    and (p_attempt is null or q.attempt = p_attempt) end);
  return found;
end
$$;
comment on function public.reschedule_job(uuid, numeric, text, boolean, text, integer) is
  'Defers a job by p_delay_seconds (plus up to 10% jitter) without consuming a retry. Fenced when worker/attempt given.';

-- cancel_job: withdraw a job that has not finished. A held job's worker then fails its fenced
-- completion and rolls its effects back.
create function public.cancel_job(p_job_id uuid, p_reason text default null)
  returns boolean
  language plpgsql
  set search_path = ''
  as $$
begin
  update public.job_queue q
     set status = 'cancelled', completed_at = now(), heartbeat_at = null,
         last_error = coalesce(left(p_reason, 2000), 'cancelled'), updated_at = now()
   where q.id = p_job_id and q.status in ('pending', 'retrying', 'deferred', 'processing');
  return found;
end
$$;
comment on function public.cancel_job(uuid, text) is 'Cancels an unfinished job; false when it had already finished.';

-- retry_dead_job: an operator gives a dead-lettered job a fresh set of retries.
create function public.retry_dead_job(p_job_id uuid)
  returns boolean
  language plpgsql
  set search_path = ''
  as $$
begin
  update public.job_queue q
     set status = 'pending', retry_count = 0, scheduled_at = now(), dead_letter_at = null,
         dead_letter_reason = null, completed_at = null, updated_at = now()
   where q.id = p_job_id and q.status = 'failed';
  return found;
end
$$;
comment on function public.retry_dead_job(uuid) is 'Re-queues a dead-lettered job with its retries reset; false otherwise.';

-- register_worker: upsert the worker registry row (called with each heartbeat tick).
create function public.register_worker(p_worker_id text, p_host text, p_lanes text[], p_active_jobs integer,
                                       p_stopped boolean default false)
  returns void
  language sql
  set search_path = ''
  as $$
    insert into public.job_workers as w (worker_id, host, lanes, active_jobs, stopped_at)
    values (p_worker_id, p_host, p_lanes, p_active_jobs, case when p_stopped then now() end)
    on conflict (worker_id) do update
       set last_seen_at = now(), active_jobs = excluded.active_jobs, lanes = excluded.lanes,
           stopped_at = excluded.stopped_at
  $$;
comment on function public.register_worker(text, text, text[], integer, boolean) is
  'Records a worker''s liveness and load for operators.';

-- prune_finished_jobs: move up to p_limit finished jobs older than queue.retention_hot_seconds
-- into job_queue_archive, and delete archived jobs older than queue.retention_archive_days.
-- Returns how many were moved; callers repeat until it returns less than p_limit.
create function public.prune_finished_jobs(p_limit integer default 5000)
  returns integer
  language plpgsql
  set search_path = ''
  as $$
declare
  v_moved integer;
begin
  with old as (
    select q.id from public.job_queue q
     where q.completed_at < now() - make_interval(secs => public.queue_setting('queue.retention_hot_seconds', 3600))
       and q.status in ('completed', 'failed', 'cancelled')
     order by q.completed_at
     limit p_limit
     for update skip locked
  ), moved as (
    delete from public.job_queue q using old where q.id = old.id returning q.*
  )
  insert into public.job_queue_archive select * from moved;
  get diagnostics v_moved = row_count;

  delete from public.job_queue_archive a
   where a.id in (select x.id from public.job_queue_archive x
                   where x.completed_at < now() - make_interval(days => public.queue_setting('queue.retention_archive_days', 30)::integer)
                   limit p_limit);
  return v_moved;
end
$$;
comment on function public.prune_finished_jobs(integer) is
  'Moves finished jobs past the hot retention into job_queue_archive; trims the archive. Returns rows moved.';

-- Only the service role runs the queue.
do $$
declare
  f regprocedure;
begin
  for f in
    select p.oid::regprocedure from pg_catalog.pg_proc p
     where p.pronamespace = 'public'::regnamespace
       and p.proname in ('default_job_lane', 'job_problem', 'job_limits_problem', 'raise_job_problem', 'enqueue_job_v3', 'enqueue_jobs_v3',
                         'rescue_stale_jobs', 'claim_jobs_v3', 'claim_next_job_v3', 'heartbeat_jobs',
                         'update_job_heartbeat', 'complete_job', 'complete_jobs', 'fail_job',
                         'reschedule_job', 'cancel_job', 'retry_dead_job', 'register_worker',
                         'prune_finished_jobs')
  loop
    execute format('revoke all on function %s from public, anon, authenticated', f);
    execute format('grant execute on function %s to service_role', f);
  end loop;
end
$$;
