-- The job queue's RPCs. Names and leading parameters are the original's, so callers written
-- against it keep working; fencing parameters (p_attempt) were added at the end with defaults.
--
-- Privileges: these functions run with the caller's rights (SECURITY INVOKER) and EXECUTE is
-- granted to service_role only; the queue tables are closed to every other API role. So nothing
-- here needs a guard of its own, and nothing bypasses anything.
--
-- Time is always the database's (now(): the transaction's start), never a worker's clock.
--
-- Plans. job_queue goes from empty to a million rows and back within minutes, so its statistics
-- are always out of date, and a PL/pgSQL statement runs on a generic plan (one for any parameter
-- values) after five calls in a session. Under either, the planner chose sequential scans for
-- reads that must use an index: the rescue once estimated "scheduled_at < $1" at a third of the
-- table and scanned the whole table for every lane and priority, half a second a call at 200,000
-- queued jobs; a claim planned on an empty table's statistics sorted the whole table each time.
-- The functions that read ranges of the queue tables therefore forbid the plans they must never
-- use (enable_seqscan, and enable_bitmapscan where the index's order must stop the scan early) in
-- their SET clauses; QueuePlansTest runs every RPC under both plan modes on fresh and stale
-- statistics and fails on any sequential scan of job_queue or job_queue_archive. They also turn
-- JIT off: PostgreSQL (before 18) forbids a plan by adding a huge cost to it, and a statement of
-- theirs (or of a function they call) that has no other plan then passes jit_above_cost and is
-- compiled at every call; on a server with JIT that cost a claim 200 ms of compilation.

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

-- job_lanes(): every lane, as CHECK job_queue_lane_fits_type (V070) allows them: what a claim for
-- any lane and the rescue walk, lane by lane, in job_queue_ready.
create function public.job_lanes() returns text[]
  language sql immutable
  as $$ select array['fast_queue', 'standard_queue', 'ai_queue_simple', 'ai_queue_complex', 'default'] $$;
comment on function public.job_lanes() is 'Every job lane (those CHECK job_queue_lane_fits_type allows).';

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

-- live_job_of_file(type, file): the live job of this type for this shell file, which an enqueue
-- returns instead of a second one; should it have finished since the enqueue met it (a completion
-- committed in between), the newest finished one. Inlined where it is used (plain SQL, no SET).
create function public.live_job_of_file(p_job_type text, p_shell_file_id uuid)
  returns table (id uuid, scheduled_at timestamptz)
  language sql stable
  as $$
    select j.id, j.scheduled_at
      from (select q.id, q.scheduled_at, 0 as finished, q.created_at from public.job_queue q
             where q.job_type = p_job_type and q.shell_file_id = p_shell_file_id
            union all
            select a.id, a.scheduled_at, 1, a.created_at from public.job_queue_archive a
             where a.job_type = p_job_type and a.shell_file_id = p_shell_file_id) j
     order by j.finished, j.created_at desc
     limit 1
  $$;
comment on function public.live_job_of_file(text, uuid) is
  'The live job of a type for a shell file (else the newest finished one): what a duplicate enqueue returns.';

-- finished_job(job, status, ...): the archive row of a job that ends now with this status, the
-- last error, error details and result given (callers pass the job's own to keep them), and for a
-- dead letter (status failed) its reason. Every statement that finishes a job deletes it from
-- job_queue and inserts this row into job_queue_archive in one statement, so a job is always in
-- exactly one of the two. Plain SQL without SET, inlined into those statements.
create function public.finished_job(j public.job_queue, p_status text, p_last_error text, p_error_details jsonb,
                                    p_job_result jsonb, p_dead_letter_reason text default null)
  returns setof public.job_queue_archive
  language sql stable
  as $$
    select j.id, j.job_type, j.job_lane, j.job_category, j.job_name, j.job_payload, p_status, j.scheduled_at,
           j.started_at, now(), j.priority, j.retry_count, j.max_retries, p_last_error, p_error_details,
           p_job_result, j.worker_id, null::timestamptz, j.attempt,
           case when p_status = 'failed' then now() end, case when p_status = 'failed' then p_dead_letter_reason end,
           j.patient_id, j.shell_file_id, j.created_at, now()
  $$;
comment on function public.finished_job(public.job_queue, text, text, jsonb, jsonb, text) is
  'The job_queue_archive row of a job finishing now with the given status, error, details, result and dead-letter reason.';

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
    on conflict (job_type, shell_file_id) where shell_file_id is not null do nothing
    returning q.id, q.scheduled_at;
  if not found then
    return query select l.id, l.scheduled_at from public.live_job_of_file(enqueue_job_v3.job_type, v_file) l;
  end if;
end
$$;
comment on function public.enqueue_job_v3(text, text, jsonb, text, integer, timestamptz) is
  'Enqueues one job (or returns the live job of the same type for the same shell file). Raises 22023 on invalid input.';

-- enqueue_jobs_v3: many jobs in one statement. p_jobs is a JSON array of objects with the keys of
-- enqueue_job_v3 (job_type, job_name, job_payload, job_category, priority, scheduled_at) plus
-- optional job_lane and max_retries. Returns one row per job, in input order; like
-- enqueue_job_v3, a file job that has a live job of the same type for the same shell file (enqueued
-- earlier, or earlier in the same batch) returns that job's id instead of a new one. Reading the
-- rows back joins the batch to job_queue by id, which a plan on stale statistics did by scanning
-- the whole table (see "Plans" above).
create function public.enqueue_jobs_v3(p_jobs jsonb)
  returns table (job_id uuid, scheduled_at timestamptz)
  language plpgsql
  set search_path = ''
  set enable_seqscan = off
  set jit = off
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
  on conflict (job_type, shell_file_id) where shell_file_id is not null do nothing;

  -- A new statement: it sees the rows just inserted, including a duplicate's live job inserted
  -- earlier in this batch.
  return query
    select coalesce(own.id, live.id), coalesce(own.scheduled_at, live.scheduled_at)
      from jsonb_array_elements(p_jobs) with ordinality as i(job, ord)
      left join public.job_queue own on own.id = v_ids[i.ord]
      left join lateral (
        select l.id, l.scheduled_at
          from public.live_job_of_file(i.job ->> 'job_type', (i.job -> 'job_payload' ->> 'shell_file_id')::uuid) l
         where own.id is null) live on true
     order by i.ord;
end
$$;
comment on function public.enqueue_jobs_v3(jsonb) is
  'Enqueues up to 10000 jobs in one statement (one id per input, in order; a live duplicate''s id for a file job); validates every job first (22023 names the first bad one).';

-- rescue_stale_jobs: held jobs whose last heartbeat is older than worker.timeout_seconds plus a
-- per-attempt jitter in 0..worker.rescue_jitter_seconds get another chance (status retrying, in
-- place), or are dead-lettered (moved to the archive) when they have used their retries. The rows
-- are locked (SKIP LOCKED) before they change, so a job completed meanwhile is never touched.
--
-- The jitter spreads the moments at which a dead worker's jobs come back, but a rescued job keeps
-- its scheduled_at: it was already at the head of the queue once, so it goes back there, ahead of
-- any backlog, rather than behind every job that became ready while it was held. The jitter is
-- a hash of (id, attempt), so every claimer computes the same moment for the same attempt.
--
-- There is no index on heartbeat_at (it would make every claim and heartbeat a full update, V070).
-- But a held job was ready when it was claimed and nothing moves its scheduled_at while it is held,
-- so scheduled_at <= started_at <= heartbeat_at: a stale job is one of the jobs that were ready
-- before the cut-off, which job_queue_ready hands over lane by lane and priority by priority. In a
-- queue that keeps up that range is small (the jobs in flight for longer than the timeout); in one
-- that is behind it also holds the backlog older than the timeout, which is why claims run the
-- rescue through rescue_stale_jobs_if_due, at most once per worker.rescue_interval_seconds. A dead
-- worker's job is back within the timeout, the jitter and that interval.
--
-- Only that index may serve it (enable_seqscan, enable_bitmapscan off): see "Plans" above.
create function public.rescue_stale_jobs(p_limit integer default 100)
  returns table (job_id uuid, new_status text)
  language plpgsql
  set search_path = ''
  set enable_seqscan = off
  set enable_bitmapscan = off
  set jit = off
  as $$
declare
  v_cutoff timestamptz := now() - make_interval(secs => public.queue_setting('worker.timeout_seconds', 60));
  v_jitter numeric := public.queue_setting('worker.rescue_jitter_seconds', 2);
begin
  return query
    with stale as (
      select q.id, q.last_try
        from unnest(public.job_lanes()) as l(lane)
        cross join generate_series(1, 10) as p(priority)
        cross join lateral (
          select q.id, q.retry_count >= q.max_retries as last_try from public.job_queue q
           where q.job_lane = l.lane and q.priority = p.priority and q.scheduled_at < v_cutoff
             and q.status = 'processing' and q.heartbeat_at < v_cutoff
             -- hashtext is a signed 32-bit integer: map it onto 0..1.
             and q.heartbeat_at < v_cutoff - make_interval(secs =>
                   v_jitter * ((hashtext(q.id::text || ':' || q.attempt)::bigint + 2147483648) / 4294967295.0))
           limit p_limit
           for update skip locked) q
       limit p_limit
    ), retried as (
      update public.job_queue q
         set status = 'retrying', retry_count = q.retry_count + 1, heartbeat_at = null,
             last_error = 'worker ' || q.worker_id || ' stopped heart-beating (attempt ' || q.attempt || ')',
             updated_at = now()
        from stale
       where q.id = stale.id and not stale.last_try
      returning q.id, q.status
    ), dead as (
      delete from public.job_queue q
       using stale
       where q.id = stale.id and stale.last_try
      returning q
    ), archived as (
      insert into public.job_queue_archive
      select f.* from dead
       cross join lateral public.finished_job(dead.q, 'failed',
         'worker ' || (dead.q).worker_id || ' stopped heart-beating (attempt ' || (dead.q).attempt || ')',
         (dead.q).error_details, (dead.q).job_result, 'worker stopped heart-beating on the last attempt') f
      returning job_queue_archive.id, job_queue_archive.status
    )
    select r.id, r.status from retried r
    union all
    select a.id, a.status from archived a;
end
$$;
comment on function public.rescue_stale_jobs(integer) is
  'Re-queues, in their old place, or dead-letters held jobs whose heartbeat is older than worker.timeout_seconds plus a per-attempt jitter.';

-- rescue_stale_jobs_if_due: runs rescue_stale_jobs when worker.rescue_interval_seconds have passed
-- since a claim last did, else nothing. Of claimers arriving together one runs it and the others
-- go on at once: the pace row is taken with SKIP LOCKED, and written only when it was taken and due,
-- so no claim waits for another's rescue.
create function public.rescue_stale_jobs_if_due(p_limit integer)
  returns void
  language plpgsql
  set search_path = ''
  as $$
begin
  perform from public.job_queue_rescue_state s
   where s.singleton
     and s.last_run_at <= now() - make_interval(secs => public.queue_setting('worker.rescue_interval_seconds', 1))
     for update skip locked;
  if found then
    update public.job_queue_rescue_state s set last_run_at = now() where s.singleton;
    perform public.rescue_stale_jobs(p_limit);
  end if;
end
$$;
comment on function public.rescue_stale_jobs_if_due(integer) is
  'Runs rescue_stale_jobs at most once per worker.rescue_interval_seconds across all claimers.';

-- claim_jobs_v3: claim up to p_limit ready jobs of the given types and lanes (null = any), by
-- priority (1 first) then readiness, and return them in that order. Each claim bumps the job's
-- attempt (the fencing token); it changes no indexed column, so it is a HOT update (V070). Rescues
-- stale jobs first when that is due, so a dead worker's job is picked up without a separate daemon.
--
-- The ready jobs are read lane by lane, each with `job_lane = <lane>`: only an equality lets the
-- index job_queue_ready (job_lane, priority, scheduled_at) hand them over in claim order, so a
-- claim reads the few jobs it takes. With `job_lane = any (lanes)` the claim read and sorted every
-- ready job of the lanes (the whole backlog) on every call. With several lanes, up to p_limit
-- jobs per lane are locked and the best p_limit of them claimed; the others are unlocked at commit.
-- The index also holds the jobs in flight (it has no predicate on status); the scan steps over them.
-- The rows locked are updated by their physical address (ctid): a join back on id let the planner
-- hash the whole table whenever its statistics were taken on a small one, and a claim then read
-- every live job. Should a row have changed between the claim's snapshot and its lock (another
-- claim committed it), the update by the old ctid matches nothing and the job is simply not in
-- this claim's result. Only job_queue_ready may serve the read (see "Plans" above).
create function public.claim_jobs_v3(p_worker_id text, p_limit integer,
                                     p_job_types text[] default null, p_job_lanes text[] default null)
  returns table (job_id uuid, job_type text, job_lane text, job_payload jsonb, retry_count integer,
                 max_retries integer, attempt integer, patient_id uuid, shell_file_id uuid)
  language plpgsql
  set search_path = ''
  set enable_seqscan = off
  set enable_bitmapscan = off
  set jit = off
  as $$
#variable_conflict use_column
declare
  v_lanes text[] := coalesce(p_job_lanes, public.job_lanes());  -- null = every lane
begin
  if p_worker_id is null or length(p_worker_id) not between 1 and 200 then
    raise exception 'worker id must be 1 to 200 characters' using errcode = '22023';
  end if;
  if p_limit is null or p_limit not between 1 and 10000 then
    raise exception 'claim limit must be between 1 and 10000' using errcode = '22023';
  end if;
  perform public.rescue_stale_jobs_if_due(least(p_limit, 100));
  return query
    with lanes as (
      select distinct l.lane from unnest(v_lanes) as l(lane)
    ), ready as (
      select r.ctid, r.priority, r.scheduled_at
        from lanes
        cross join lateral (
          select q.ctid, q.priority, q.scheduled_at from public.job_queue q
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
       where q.ctid = any (array(select ready.ctid from ready))
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
-- up by its primary key alone (see complete_jobs for why), then checked; the rows that pass are
-- updated through the primary key again (see complete_jobs).
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
     where q.id = any (array(select held.id from held))
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

-- complete_job: the fenced final write, which moves the job to the archive. Run it in the
-- transaction that wrote the job's effects: when it returns false the worker has lost the job and
-- must roll back, so the effects of a zombie run never commit.
create function public.complete_job(p_job_id uuid, p_worker_id text, p_job_result jsonb default null,
                                    p_attempt integer default null)
  returns boolean
  language sql
  set search_path = ''
  as $$
    with done as (
      delete from public.job_queue q
       where q.id = p_job_id and q.worker_id = p_worker_id and q.status = 'processing'
         and (p_attempt is null or q.attempt = p_attempt)
      returning q
    ), archived as (
      insert into public.job_queue_archive
      select f.* from done
       cross join lateral public.finished_job(done.q, 'completed', (done.q).last_error, (done.q).error_details,
                                              p_job_result) f
      returning 1
    )
    select exists (select 1 from archived)
  $$;
comment on function public.complete_job(uuid, text, jsonb, integer) is
  'Completes a held job (moves it to job_queue_archive); false (and no change) when the worker no longer holds it under that attempt.';

-- complete_jobs: many completions in one statement (jobs whose handlers wrote no effects).
-- Locks its rows in id order, as heartbeat_jobs does, so the two never deadlock.
--
-- Each listed job is fetched by its primary key in a LATERAL subquery whose LIMIT keeps the other
-- conditions out of it, and only then checked for worker, attempt and status. Joined directly, the
-- planner trusted statistics taken while the rows were still pending (no row 'processing') and
-- compared every listed id with every held job: a batch of 500 cost 250,000 comparisons and 80 ms
-- (decision 0013). A row locked but then not ours (rescued and claimed again) is left unchanged;
-- its lock only lasts until this commit. The rows that are ours are deleted through the primary
-- key with `id = any (array)`: a join back on the CTE let the planner hash the whole table when its
-- statistics were taken on a small one. (Not by ctid: a row whose heartbeat committed while this
-- statement waited for its lock is locked in its new version, but the ctid read for it is the old
-- one, and a delete by that ctid finds nothing; the benchmark lost completions that way.)
create function public.complete_jobs(p_worker_id text, p_job_ids uuid[], p_attempts integer[],
                                     p_results jsonb[] default null)
  returns setof uuid
  language sql
  set search_path = ''
  as $$
    with ours as (
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
    ), done as (
      delete from public.job_queue q
       where q.id = any (array(select ours.id from ours))
      returning q
    )
    insert into public.job_queue_archive
    select f.* from done
      join ours on ours.id = (done.q).id
     cross join lateral public.finished_job(done.q, 'completed', (done.q).last_error, (done.q).error_details,
                                            ours.result) f
    returning job_queue_archive.id
  $$;
comment on function public.complete_jobs(text, uuid[], integer[], jsonb[]) is
  'Completes the listed (job, attempt) pairs still held by the worker (moves them to job_queue_archive); returns the ids completed.';

-- fail_job: an attempt failed. Retryable, with retries left: status retrying, retry_count + 1,
-- and a backoff with full jitter, random(0, min(cap, base * 2^retry_count)), or at least
-- p_retry_after_seconds when the failure named one. Otherwise: dead-lettered (moved to the archive
-- as failed, with dead_letter_at and a reason). Either way in one statement (defect 7: the
-- original set 'failed' and nothing else). Returns the new status, or null when the worker no
-- longer holds the job.
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
  with held as (
    select q.id, v_retryable and q.retry_count < q.max_retries as retry,
           case when not v_retryable then 'permanent error' else 'retries exhausted' end as reason
      from public.job_queue q
     where q.id = p_job_id and q.worker_id = p_worker_id and q.attempt = p_attempt and q.status = 'processing'
       for update
  ), retried as (
    update public.job_queue q
       set status       = 'retrying',
           retry_count  = q.retry_count + 1,
           scheduled_at = now() + make_interval(secs => greatest(coalesce(p_retry_after_seconds, 0),
                            random() * least(v_cap, v_base * power(2, q.retry_count)))),
           heartbeat_at = null,
           last_error   = left(p_error_message, 2000),
           error_details = p_error_details,
           updated_at   = now()
      from held
     where q.id = held.id and held.retry
    returning q.status
  ), dead as (
    delete from public.job_queue q
     using held
     where q.id = held.id and not held.retry
    returning q, held.reason
  ), archived as (
    insert into public.job_queue_archive
    select f.* from dead
     cross join lateral public.finished_job(dead.q, 'failed', left(p_error_message, 2000), p_error_details,
                                            (dead.q).job_result, dead.reason) f
    returning job_queue_archive.status
  )
  select coalesce((select r.status from retried r), (select a.status from archived a)) into v_status;
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

-- cancel_job: withdraw a job that has not finished (it moves to the archive as cancelled). A held
-- job's worker then fails its fenced completion and rolls its effects back.
create function public.cancel_job(p_job_id uuid, p_reason text default null)
  returns boolean
  language sql
  set search_path = ''
  as $$
    with gone as (
      delete from public.job_queue q where q.id = p_job_id returning q
    ), archived as (
      insert into public.job_queue_archive
      select f.* from gone
       cross join lateral public.finished_job(gone.q, 'cancelled', coalesce(left(p_reason, 2000), 'cancelled'),
                                              (gone.q).error_details, (gone.q).job_result) f
      returning 1
    )
    select exists (select 1 from archived)
  $$;
comment on function public.cancel_job(uuid, text) is 'Cancels an unfinished job; false when it had already finished.';

-- retry_dead_job: an operator gives a dead-lettered job a fresh set of retries: it moves back from
-- the archive into job_queue as pending, under its own id, keeping its last error (or, lacking one,
-- its dead-letter reason) for the record: a job that enters job_queue with an error on record is a
-- re-queued one (V074 resets its file by that). A live job of the same type for the same file
-- refuses it (23505, one live job per file).
create function public.retry_dead_job(p_job_id uuid)
  returns boolean
  language sql
  set search_path = ''
  as $$
    with dead as (
      delete from public.job_queue_archive a where a.id = p_job_id and a.status = 'failed' returning a.*
    ), requeued as (
      insert into public.job_queue (id, job_type, job_lane, job_category, job_name, job_payload, status,
                                    scheduled_at, priority, retry_count, max_retries, last_error, error_details,
                                    worker_id, attempt, patient_id, shell_file_id, created_at)
      select d.id, d.job_type, d.job_lane, d.job_category, d.job_name, d.job_payload, 'pending',
             now(), d.priority, 0, d.max_retries, coalesce(d.last_error, d.dead_letter_reason, 'dead-lettered'),
             d.error_details,
             d.worker_id, d.attempt, d.patient_id, d.shell_file_id, d.created_at
        from dead d
      returning 1
    )
    select exists (select 1 from requeued)
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

-- prune_finished_jobs: deletes up to p_limit archived jobs that finished more than
-- queue.retention_archive_days ago, oldest first. Returns how many; callers repeat until it returns
-- less than p_limit. (Finished jobs leave job_queue as they finish: V070.) Only the BRIN index on
-- completed_at may serve it, reading the block ranges that finished before the cut-off, never the
-- whole archive (see "Plans" above).
create function public.prune_finished_jobs(p_limit integer default 5000)
  returns integer
  language plpgsql
  set search_path = ''
  set enable_seqscan = off
  set jit = off
  as $$
declare
  v_deleted integer;
begin
  delete from public.job_queue_archive a
   where a.id in (select x.id from public.job_queue_archive x
                   where x.completed_at < now() - make_interval(days => public.queue_setting('queue.retention_archive_days', 30)::integer)
                   order by x.completed_at
                   limit p_limit
                   for update skip locked);
  get diagnostics v_deleted = row_count;
  return v_deleted;
end
$$;
comment on function public.prune_finished_jobs(integer) is
  'Deletes archived jobs older than queue.retention_archive_days, up to p_limit; returns how many.';

-- Only the service role runs the queue.
do $$
declare
  f regprocedure;
begin
  for f in
    select p.oid::regprocedure from pg_catalog.pg_proc p
     where p.pronamespace = 'public'::regnamespace
       and p.proname in ('default_job_lane', 'job_lanes', 'live_job_of_file', 'finished_job', 'rescue_stale_jobs_if_due', 'job_problem', 'job_limits_problem', 'raise_job_problem', 'enqueue_job_v3', 'enqueue_jobs_v3',
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
