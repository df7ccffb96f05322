-- The job queue (the original's 07 optimisation + 08 job coordination): every document and every
-- AI call runs as a job. Workers anywhere claim jobs with SKIP LOCKED, keep them alive with
-- heartbeats on the database clock, and finish them with fenced writes.
--
-- Job states (docs/job-states.md has the diagram):
--   pending     enqueued, waits for scheduled_at            in: enqueue, admin retry    out: claim, cancel
--   retrying    an attempt failed (or its worker vanished);
--               waits out its backoff                        in: fail_job, rescue        out: claim, cancel
--   deferred    postponed without using a retry (capacity,
--               rate limits)                                 in: reschedule_job          out: claim, cancel
--   processing  held by one worker under attempt N           in: claim                   out: complete, fail,
--                                                                                           reschedule, rescue, cancel
--   completed   done; its effects committed with it          in: complete_job            (final)
--   failed      dead-lettered: dead_letter_at and a reason   in: fail_job, rescue        out: admin retry
--   cancelled   withdrawn                                    in: cancel_job              (final)
--
-- Fencing: every claim bumps `attempt`. Heartbeat, complete, fail and reschedule name
-- (job id, worker id, attempt) in their WHERE clause; when the job was rescued and claimed again,
-- the old worker's writes match nothing, change nothing and return false.

create table public.job_queue (
  id                 uuid        primary key default gen_random_uuid(),
  job_type           text        not null
    check (job_type in ('shell_file_processing', 'ai_processing', 'data_migration', 'audit_cleanup',
                        'notification_delivery', 'report_generation', 'backup_operation',
                        'system_maintenance', 'semantic_processing', 'consent_verification',
                        'provider_verification')),
  job_lane           text        not null,
  job_category       text        not null default 'standard'
    check (job_category in ('critical', 'high_priority', 'standard', 'background', 'maintenance')),
  job_name           text        not null check (length(job_name) between 1 and 200),
  job_payload        jsonb       not null
    check (jsonb_typeof(job_payload) = 'object' and job_payload <> '{}'::jsonb),
  status             text        not null default 'pending'
    check (status in ('pending', 'processing', 'completed', 'failed', 'cancelled', 'retrying', 'deferred')),
  scheduled_at       timestamptz not null default now(),
  started_at         timestamptz,
  completed_at       timestamptz,
  -- 1 is the highest priority and is claimed first (defect 1: the original ordered DESC).
  priority           integer     not null default 5 check (priority between 1 and 10),
  retry_count        integer     not null default 0 check (retry_count >= 0),
  max_retries        integer     not null default 3 check (max_retries between 0 and 100),
  last_error         text,
  error_details      jsonb,
  job_result         jsonb,
  worker_id          text,
  -- The time of the last heartbeat on the database clock (defect 2: the original stored an expiry).
  heartbeat_at       timestamptz,
  attempt            integer     not null default 0 check (attempt >= 0),
  dead_letter_at     timestamptz,
  dead_letter_reason text,
  patient_id         uuid        references public.user_profiles (id) on delete cascade,
  shell_file_id      uuid        references public.shell_files (id) on delete cascade,
  created_at         timestamptz not null default now(),
  updated_at         timestamptz not null default now(),
  constraint job_queue_lane_fits_type check (
    case job_type
      when 'shell_file_processing' then job_lane in ('fast_queue', 'standard_queue')
      when 'ai_processing'         then job_lane in ('ai_queue_simple', 'ai_queue_complex')
      else job_lane = 'default'
    end),
  constraint job_queue_processing_is_held check (
    status <> 'processing' or (worker_id is not null and heartbeat_at is not null and started_at is not null)),
  constraint job_queue_heartbeat_only_while_held check (status = 'processing' or heartbeat_at is null),
  constraint job_queue_dead_letter_is_failed check ((status = 'failed') = (dead_letter_at is not null)),
  constraint job_queue_finished_has_time check (
    (status in ('completed', 'failed', 'cancelled')) = (completed_at is not null))
);
comment on table public.job_queue is 'Durable job queue; see the state list at the top of V070__job_queue.sql.';
-- Every job leaves about three dead row versions behind (claim, completion, archive), and the
-- table is small when retention keeps it so: vacuum it after 1% churn rather than the default
-- 20%, and without the cost-based pauses, so dead rows never pile up between vacuums.
alter table public.job_queue set (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 1000,
                                  autovacuum_vacuum_cost_delay = 0);

-- Claim: the next ready jobs of some lanes, by priority then age. Partial, so finished rows cost
-- the claim nothing.
create index job_queue_ready on public.job_queue (job_lane, priority, scheduled_at)
  where status in ('pending', 'retrying', 'deferred');
-- Rescue: held jobs by heartbeat age.
create index job_queue_held_heartbeat on public.job_queue (heartbeat_at) where status = 'processing';
-- At most one live job per (job_type, shell_file_id).
create unique index job_queue_one_live_job_per_file on public.job_queue (job_type, shell_file_id)
  where shell_file_id is not null and status in ('pending', 'processing', 'retrying', 'deferred');
-- Retention, and the operators' list of dead letters. There is deliberately no index on status:
-- every status change is a non-HOT update that writes an entry into each index whose predicate
-- the new row meets, and one on (status, ...) would add a write to every claim and completion
-- for listings that a scan of the small hot table answers.
create index job_queue_finished on public.job_queue (completed_at) where completed_at is not null;
create index job_queue_dead_letters on public.job_queue (dead_letter_at) where dead_letter_at is not null;
create index job_queue_patient on public.job_queue (patient_id) where patient_id is not null;
create index job_queue_shell_file on public.job_queue (shell_file_id) where shell_file_id is not null;

-- Jobs are infrastructure: users never read or write them (seed 001), only the service role.
alter table public.job_queue enable row level security;
revoke all on table public.job_queue from public, anon, authenticated;
grant all on table public.job_queue to service_role;

-- Finished jobs move here after `queue.retention_hot_seconds`, keeping the hot table small; they
-- are deleted after `queue.retention_archive_days`.
create table public.job_queue_archive (like public.job_queue including defaults including constraints);
alter table public.job_queue_archive add primary key (id);
create index job_queue_archive_completed on public.job_queue_archive (completed_at);
comment on table public.job_queue_archive is 'Finished jobs, moved out of job_queue by prune_finished_jobs().';
alter table public.job_queue_archive enable row level security;
revoke all on table public.job_queue_archive from public, anon, authenticated;
grant all on table public.job_queue_archive to service_role;

-- The workers that are (or were recently) running, for operators.
create table public.job_workers (
  worker_id    text        primary key check (length(worker_id) between 1 and 200),
  host         text        not null,
  lanes        text[]      not null,
  started_at   timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  active_jobs  integer     not null default 0 check (active_jobs >= 0),
  stopped_at   timestamptz
);
comment on table public.job_workers is 'Worker registry: one row per worker process, refreshed with its heartbeats.';
alter table public.job_workers enable row level security;
revoke all on table public.job_workers from public, anon, authenticated;
grant all on table public.job_workers to service_role;

insert into public.system_configuration (config_key, config_value, description) values
  ('worker.timeout_seconds', '60', 'A held job whose last heartbeat is older than this is rescued.'),
  ('worker.rescue_jitter_seconds', '2', 'A held job is rescued between worker.timeout_seconds and this many seconds more after its last heartbeat.'),
  ('worker.retry_base_seconds', '2', 'Backoff base: a retry waits random(0, min(cap, base * 2^retry_count)).'),
  ('worker.retry_max_seconds', '3600', 'Backoff cap.'),
  ('queue.retention_hot_seconds', '3600', 'Finished jobs older than this leave job_queue for job_queue_archive.'),
  ('queue.retention_archive_days', '30', 'Archived jobs older than this are deleted.');

-- queue_setting(key, fallback): a numeric system_configuration value, read at call time.
create function public.queue_setting(p_key text, p_fallback numeric) returns numeric
  language sql stable
  set search_path = ''
  as $$
    select coalesce((select (c.config_value #>> '{}')::numeric from public.system_configuration c
                      where c.config_key = p_key), p_fallback)
  $$;
comment on function public.queue_setting(text, numeric) is 'Numeric system_configuration value or the fallback.';
revoke all on function public.queue_setting(text, numeric) from public, anon, authenticated;
grant execute on function public.queue_setting(text, numeric) to service_role;

-- Wake-ups: one NOTIFY per inserting statement, not per row, naming nothing secret. Workers treat
-- it as a hint and poll anyway, so a notification lost (or dropped by a pooler) costs at most one
-- poll interval.
create function public.notify_jobs_enqueued() returns trigger
  language plpgsql
  set search_path = ''
  as $$ begin perform pg_notify('exora_jobs', ''); return null; end $$;
comment on function public.notify_jobs_enqueued() is 'AFTER STATEMENT trigger: wakes idle workers.';
revoke all on function public.notify_jobs_enqueued() from public, anon, authenticated;
create trigger job_queue_notify after insert on public.job_queue
  for each statement execute function public.notify_jobs_enqueued();
