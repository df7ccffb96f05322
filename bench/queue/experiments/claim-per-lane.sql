-- EXPERIMENT for bench/queue/run --sql-patch=bench/queue/experiments/claim-per-lane.sql
-- Not a migration. It replaces claim_jobs_v3 (V071) with a version whose ready-row scan can use
-- the job_queue_ready index (job_lane, priority, scheduled_at) in its order.
--
-- Why: V071's claim filters `(p_job_lanes is null or q.job_lane = any (p_job_lanes))` and orders
-- by (priority, scheduled_at). Neither `= any(array)` nor "any lane" is an equality on the index's
-- leading column, so PostgreSQL 17 cannot read the index in order: it seq-scans job_queue and sorts
-- every ready row (an external merge sort at a 200,000-job backlog) for each claim, 250-350 ms per
-- claim on the benchmark machine against about 5 ms with `job_lane = 'default'`.
--
-- Status (2026-11-22): V071 in the working tree has since been given an equivalent per-lane claim
-- (not yet committed at the time of writing); against that V071 this file changes nothing. It is
-- kept as the measured evidence: with HEAD 63d6834's V071 the drain went from 1,456 to 9,454 jobs/s
-- (medians of 3, with ordered-row-locks.sql too).
--
-- Here each lane is read on its own with an equality (the lane set is closed by the
-- job_queue_lane_fits_type constraint, so "any lane" is the five of them), up to p_limit rows per
-- lane, merged by (priority, scheduled_at). With several lanes it can lock a few rows it then does
-- not claim until the claim commits (milliseconds); with one lane, the worker's case, it is exact.
create or replace function public.claim_jobs_v3(p_worker_id text, p_limit integer,
                                                p_job_types text[] default null, p_job_lanes text[] default null)
  returns table (job_id uuid, job_type text, job_lane text, job_payload jsonb, retry_count integer,
                 max_retries integer, attempt integer, patient_id uuid, shell_file_id uuid)
  language plpgsql
  set search_path = ''
  as $$
#variable_conflict use_column
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
      select distinct l.lane
        from unnest(coalesce(p_job_lanes,
               array['fast_queue', 'standard_queue', 'ai_queue_simple', 'ai_queue_complex', 'default'])) as l(lane)
    ), ready as (
      select c.id
        from lanes
        cross join lateral (
          select q.id, q.priority, q.scheduled_at from public.job_queue q
           where q.job_lane = lanes.lane
             and q.status in ('pending', 'retrying', 'deferred')
             and q.scheduled_at <= now()
             and (p_job_types is null or q.job_type = any (p_job_types))
           order by q.priority, q.scheduled_at
           limit p_limit
           for update skip locked) c
       order by c.priority, c.scheduled_at
       limit p_limit
    )
    update public.job_queue q
       set status = 'processing', worker_id = p_worker_id, attempt = q.attempt + 1,
           started_at = now(), heartbeat_at = now(), updated_at = now()
      from ready
     where q.id = ready.id
    returning q.id, q.job_type, q.job_lane, q.job_payload, q.retry_count, q.max_retries, q.attempt,
              q.patient_id, q.shell_file_id;
end
$$;
