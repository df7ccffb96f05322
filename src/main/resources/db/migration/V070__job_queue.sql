-- The job queue (the original's 07 optimisation + 08 job coordination): every document and every
-- AI call runs as a job. Workers anywhere claim jobs with SKIP LOCKED, keep them alive with
-- heartbeats on the database clock, and finish them with fenced writes.
--
-- Two tables. `job_queue` holds the live jobs (pending, retrying, deferred, processing) and nothing
-- else; the statement that finishes a job (complete, dead-letter, cancel) moves it to
-- `job_queue_archive`. So the hot table is as small as the backlog, and its indexes need no
-- predicate on status: a claim, a heartbeat and a retry-in-place change no indexed column and are
-- HOT updates (a new row version on the same page, no index entry): the queue's SQL drains about
-- twice as fast as when every claim and completion wrote index entries (decision 0014).
--
-- Job states (docs/job-states.md has the diagram):
--   pending     enqueued, waits for scheduled_at            in: enqueue, admin retry    out: claim, cancel
--   retrying    an attempt failed (or its worker vanished);
--               waits out its backoff                        in: fail_job, rescue        out: claim, cancel
--   deferred    postponed without using a retry (capacity,
--               rate limits)                                 in: reschedule_job          out: claim, cancel
--   processing  held by one worker under attempt N           in: claim                   out: complete, fail,
--                                                                                           reschedule, rescue, cancel
--   (archive)
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
  -- Finished jobs live in job_queue_archive (below), never here.
  constraint job_queue_holds_live_jobs check (
    status in ('pending', 'processing', 'retrying', 'deferred') and completed_at is null and dead_letter_at is null),
  constraint job_queue_processing_is_held check (
    status <> 'processing' or (worker_id is not null and heartbeat_at is not null and started_at is not null)),
  constraint job_queue_heartbeat_only_while_held check (status = 'processing' or heartbeat_at is null)
)
-- Half of each page is left free when rows are inserted, so that a claim and the heartbeats after
-- it find room for the row's new version on its own page (a HOT update needs that).
with (fillfactor = 50);
comment on table public.job_queue is 'Live jobs (the durable queue); finished ones are in job_queue_archive. See the top of V070__job_queue.sql.';
-- Every job leaves a few dead row versions behind (claim, heartbeats, the move to the archive);
-- vacuum after 1% churn rather than the default 20%, and without the cost-based pauses, so they
-- never pile up between vacuums. HOT versions are mostly pruned on the page before vacuum comes.
alter table public.job_queue set (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 1000,
                                  autovacuum_vacuum_cost_delay = 0);

-- Indexes. None of them names status, worker_id, attempt, started_at or heartbeat_at, the columns
-- a claim and a heartbeat change: an index on any of them (even in a partial index's predicate)
-- turns those updates from HOT into full ones, each writing an entry into every index, which is
-- what made the claim and the completion the bound of the drain (decision 0013, superseded by 0014).
--
-- Claim: the next jobs of a lane by priority, then readiness. Held (processing) jobs are in it too;
-- a claim steps over them, at most the jobs in flight.
create index job_queue_ready on public.job_queue (job_lane, priority, scheduled_at);
-- At most one live job per (job_type, shell_file_id): every row here is live.
create unique index job_queue_one_live_job_per_file on public.job_queue (job_type, shell_file_id)
  where shell_file_id is not null;
-- The foreign keys' cascades (a profile or a file deleted).
create index job_queue_patient on public.job_queue (patient_id) where patient_id is not null;
create index job_queue_shell_file on public.job_queue (shell_file_id) where shell_file_id is not null;
-- There is no index on heartbeat_at: the rescue finds held jobs through job_queue_ready (a held job
-- was ready before it was claimed), at most once per worker.rescue_interval_seconds
-- (rescue_stale_jobs, V071).

-- Jobs are infrastructure: users never read or write them (seed 001), only the service role.
alter table public.job_queue enable row level security;
revoke all on table public.job_queue from public, anon, authenticated;
grant all on table public.job_queue to service_role;

-- Finished jobs: moved here by the statement that finishes them, and deleted after
-- `queue.retention_archive_days`. Same columns as job_queue; its own rules on status.
create table public.job_queue_archive (like public.job_queue including defaults including constraints);
alter table public.job_queue_archive
  drop constraint job_queue_holds_live_jobs,
  add primary key (id),
  add constraint job_queue_archive_holds_finished_jobs check (
    status in ('completed', 'failed', 'cancelled') and completed_at is not null and heartbeat_at is null),
  add constraint job_queue_archive_dead_letter_is_failed check ((status = 'failed') = (dead_letter_at is not null));
-- Operators list finished jobs by status, newest first (operator_list_jobs, V072); rows arrive in
-- completion order, so a block-range index on completed_at serves the retention's deletes at
-- almost no cost per insert.
create index job_queue_archive_status_created on public.job_queue_archive (status, created_at);
create index job_queue_archive_completed on public.job_queue_archive using brin (completed_at);
-- A finished job goes with its patient or its file, as a live one does: erasing a profile or
-- deleting a document leaves no payload behind here. The indexes serve those cascades, and a
-- duplicate enqueue whose live job has just finished finds it (live_job_of_file, V071); their
-- predicates keep jobs without a patient or a file out of them.
alter table public.job_queue_archive
  add constraint job_queue_archive_patient_id_fkey foreign key (patient_id)
    references public.user_profiles (id) on delete cascade,
  add constraint job_queue_archive_shell_file_id_fkey foreign key (shell_file_id)
    references public.shell_files (id) on delete cascade;
create index job_queue_archive_patient on public.job_queue_archive (patient_id) where patient_id is not null;
create index job_queue_archive_shell_file on public.job_queue_archive (shell_file_id, job_type)
  where shell_file_id is not null;
comment on table public.job_queue_archive is 'Finished jobs (completed, failed = dead letters, cancelled), moved out of job_queue as they finish.';
alter table public.job_queue_archive enable row level security;
revoke all on table public.job_queue_archive from public, anon, authenticated;
grant all on table public.job_queue_archive to service_role;

-- Every job, live or finished, for reading: operators, reports and tests that follow a job to its
-- end. It runs with the caller's rights, so it opens nothing that the two tables do not.
create view public.job_queue_all with (security_invoker = true) as
  select * from public.job_queue
  union all
  select * from public.job_queue_archive;
comment on view public.job_queue_all is 'job_queue (live) and job_queue_archive (finished) together; a job is in exactly one.';
revoke all on table public.job_queue_all from public, anon, authenticated;
grant select on table public.job_queue_all to service_role;

-- The rescue's pace: the claim that finds it due runs it (rescue_stale_jobs, V071).
create table public.job_queue_rescue_state (
  singleton   boolean     primary key default true check (singleton),
  last_run_at timestamptz not null default '-infinity'
);
comment on table public.job_queue_rescue_state is 'When a claim last looked for stale held jobs (one row).';
insert into public.job_queue_rescue_state default values;
alter table public.job_queue_rescue_state enable row level security;
revoke all on table public.job_queue_rescue_state from public, anon, authenticated;
grant select, update on table public.job_queue_rescue_state to service_role;

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
  ('worker.rescue_interval_seconds', '1', 'Claims look for stale held jobs at most this often (it reads the jobs that were ready before the timeout).'),
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
