-- EXPERIMENT for bench/queue/run --sql-patch=...,bench/queue/experiments/ordered-row-locks.sql
-- Not a migration. It replaces heartbeat_jobs and complete_jobs (V071) with versions that lock
-- their rows in id order before updating them.
--
-- Why: the worker's heart-beater and its batch completer run concurrently on two connections, and
-- both update many of the worker's held rows in one statement (UPDATE ... FROM unnest(...)), in
-- whatever order the join yields. A job that finished but whose completion is not yet written is
-- in both sets, so the two statements can lock the same rows in opposite orders: "deadlock
-- detected" (40P01) after deadlock_timeout (1 s), one side rolled back and retried. Seen in the
-- benchmark's worker logs once claims are fast (bench/queue/experiments/claim-per-lane.sql):
-- complete_jobs lost 3 times in a row in one 200,000-job drain, heartbeat_jobs once per drain.
-- Taking the row locks in one global order (by id) removes the cycle.
create or replace function public.heartbeat_jobs(p_worker_id text, p_job_ids uuid[], p_attempts integer[])
  returns setof uuid
  language sql
  set search_path = ''
  as $$
    with held as (
      select q.id
        from public.job_queue q
        join unnest(p_job_ids, p_attempts) as h(id, attempt) on q.id = h.id and q.attempt = h.attempt
       where q.worker_id = p_worker_id and q.status = 'processing'
       order by q.id
       for update of q
    )
    update public.job_queue q
       set heartbeat_at = now(), updated_at = now()
      from held
     where q.id = held.id
    returning q.id
  $$;

create or replace function public.complete_jobs(p_worker_id text, p_job_ids uuid[], p_attempts integer[],
                                                p_results jsonb[] default null)
  returns setof uuid
  language sql
  set search_path = ''
  as $$
    with done as (
      select q.id, d.result
        from public.job_queue q
        join unnest(p_job_ids, p_attempts,
                    coalesce(p_results, array_fill(null::jsonb, array[cardinality(p_job_ids)])))
               as d(id, attempt, result) on q.id = d.id and q.attempt = d.attempt
       where q.worker_id = p_worker_id and q.status = 'processing'
       order by q.id
       for update of q
    )
    update public.job_queue q
       set status = 'completed', completed_at = now(), heartbeat_at = null, job_result = done.result,
           updated_at = now()
      from done
     where q.id = done.id
    returning q.id
  $$;
