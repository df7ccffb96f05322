-- The rescue that a claim runs when it is due (V071) took at most as many stale jobs as the claim
-- asked for, capped at 100: a claim for one job (a lane with one free slot) rescued one a second,
-- so a dead worker's 500 jobs came back over eight minutes instead of within the timeout and its
-- jitter. Each due rescue now takes up to 500, whatever the claim's size (about 20 ms of the claim
-- that runs it, once per worker.rescue_interval_seconds).
create or replace function public.rescue_stale_jobs_if_due(p_limit integer)
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
    perform public.rescue_stale_jobs(greatest(p_limit, 500));
  end if;
end
$$;
comment on function public.rescue_stale_jobs_if_due(integer) is
  'Runs rescue_stale_jobs (up to max(p_limit, 500) jobs) at most once per worker.rescue_interval_seconds across all claimers.';
