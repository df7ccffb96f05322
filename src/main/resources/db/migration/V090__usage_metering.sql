-- Usage metering against subscription plans (the original's 08, its usage half).
--
-- * subscription_plans: the four tiers; a NULL limit is unlimited. A profile's plan is its account
--   owner's (account_plans; no row = usage_default_plan(): free when billing is on, unlimited
--   enterprise when it is off, or system_configuration usage.default_plan). A change of plan takes effect at once: the current
--   month's rows of the account's profiles take the new limits in the same transaction, and each
--   profile gets a plan_upgraded / plan_downgraded event.
-- * user_usage_tracking: one row per profile per billing month (calendar month, UTC), created on
--   demand by INSERT ... ON CONFLICT, so the first event of a month creates it (seed 000: the
--   original's track_ai_processing_usage updated a row that might not exist).
-- * usage_events: the ledger. Every counted event has an idempotency key (per file for upload and
--   processing, per generation for AI calls); the counters move only when the event's row is
--   inserted, so a retried or replayed event is counted once, also under concurrency.
-- * On a plan without upload limits (the default), an upload is counted by the fold
--   (usage_fold_uploads), not by its own transaction: the upload marks its shell file with its
--   transaction id, and the fold, once a second, writes the ledger rows and moves the counters of
--   every marked file whose transaction has ended, many per statement. On a plan with limits the
--   upload's own transaction counts it, with an UPDATE whose condition is the limit check, so
--   enforcement stays exact (usage_record with p_enforce). The dashboard adds the uploads not
--   folded yet (usage_pending_uploads), and a change of plan folds them first. Decision 0011.
-- * Sizes and pages are the server's (shell_files), never the caller's.
-- * Feature flags: usage_tracking (on: record and enforce), billing (off: prices are informational,
--   plans change only through operators), upgrade_prompts (off: the dashboard shows no prompt).
--
-- Who writes: only the service role and the functions below (SECURITY DEFINER, guarded). People
-- read their profiles' usage: the owner and grantees with the view_documents right.

-- Plans ---------------------------------------------------------------------------------------

create table public.subscription_plans (
  plan_type           text        primary key check (plan_type ~ '^[a-z][a-z0-9_]{0,31}$'),
  display_name        text        not null check (length(btrim(display_name)) between 1 and 100),
  shell_files_limit   integer     check (shell_files_limit >= 0),
  pages_limit         integer     check (pages_limit >= 0),
  ai_tokens_limit     bigint      check (ai_tokens_limit >= 0),
  storage_limit_mb    integer     check (storage_limit_mb >= 0),
  monthly_price_cents integer     not null default 0 check (monthly_price_cents >= 0),
  features            jsonb       not null default '{}'::jsonb check (jsonb_typeof(features) = 'object'),
  is_active           boolean     not null default true,
  sort_order          integer     not null unique,
  created_at          timestamptz not null default now(),
  updated_at          timestamptz not null default now()
);
comment on table public.subscription_plans is
  'Plan tiers and their monthly limits (NULL = unlimited). Readable by everyone; changed by the service role.';
create trigger subscription_plans_updated_at before update on public.subscription_plans
  for each row execute function public.set_updated_at();
create trigger subscription_plans_audit after insert or update or delete on public.subscription_plans
  for each row execute function public.audit_row_change('usage');

insert into public.subscription_plans (plan_type, display_name, shell_files_limit, pages_limit,
                                       ai_tokens_limit, storage_limit_mb, monthly_price_cents, sort_order,
                                       features) values
  ('free',       'Free',       10,   100,     50000,   100,    0, 1, '{"support": "community"}'),
  ('basic',      'Basic',      100,  1000,   500000,  1000,  999, 2, '{"support": "email"}'),
  ('premium',    'Premium',    500,  5000,  2500000,  5000, 2999, 3, '{"support": "priority"}'),
  ('enterprise', 'Enterprise', null, null,     null,  null, 9999, 4, '{"support": "dedicated"}');

-- Plans are public product information (seed 000: keep subscription_plans readable). Never
-- deleted (accounts reference them): retired with is_active = false.
alter table public.subscription_plans enable row level security;
revoke all on table public.subscription_plans from public, anon, authenticated;
grant select on table public.subscription_plans to anon, authenticated;
grant select, insert, update on table public.subscription_plans to service_role;
create policy subscription_plans_read on public.subscription_plans
  for select to anon, authenticated using (true);

-- account_plans: the plan of one account (login). No row means the default plan (usage_default_plan).
create table public.account_plans (
  account_id  uuid        primary key references auth.users (id) on delete cascade,
  plan_type   text        not null references public.subscription_plans (plan_type),
  changed_at  timestamptz not null default now(),
  changed_by  uuid        references auth.users (id) on delete set null,
  reason      text        check (length(reason) <= 500)
);
comment on table public.account_plans is
  'The plan of an account; its profiles share it. No row = usage_default_plan(). Written only by change_account_plan (operators).';
create index account_plans_plan on public.account_plans (plan_type);
create trigger account_plans_audit after insert or update or delete on public.account_plans
  for each row execute function public.audit_row_change('usage');

alter table public.account_plans enable row level security;
revoke all on table public.account_plans from public, anon, authenticated;
grant select on table public.account_plans to authenticated;
grant select, insert, update, delete on table public.account_plans to service_role;
create policy account_plans_select_own on public.account_plans
  for select to authenticated using (account_id = (select auth.uid()));

-- Usage rows and the ledger ----------------------------------------------------------------------

create table public.user_usage_tracking (
  id                     uuid        primary key default gen_random_uuid(),
  profile_id             uuid        not null references public.user_profiles (id) on delete cascade,
  billing_cycle_start    date        not null check (extract(day from billing_cycle_start) = 1),
  -- The cycle's last day (inclusive).
  billing_cycle_end      date        not null,
  shell_files_uploaded   integer     not null default 0 check (shell_files_uploaded >= 0),
  total_pages_processed  integer     not null default 0 check (total_pages_processed >= 0),
  total_file_size_bytes  bigint      not null default 0 check (total_file_size_bytes >= 0),
  total_file_size_mb     numeric     generated always as (round(total_file_size_bytes / 1048576.0, 3)) stored,
  ai_tokens_used         bigint      not null default 0 check (ai_tokens_used >= 0),
  ai_processing_jobs     integer     not null default 0 check (ai_processing_jobs >= 0),
  ai_processing_seconds  numeric     not null default 0 check (ai_processing_seconds >= 0),
  ai_processing_minutes  numeric     generated always as (round(ai_processing_seconds / 60.0, 2)) stored,
  -- The profile's stored documents: what it held before the month began, plus this month's uploads.
  storage_used_bytes     bigint      not null default 0 check (storage_used_bytes >= 0),
  storage_used_mb        numeric     generated always as (round(storage_used_bytes / 1048576.0, 3)) stored,
  -- The plan and its limits in force now (a plan change rewrites the current month's rows).
  plan_type              text        not null references public.subscription_plans (plan_type),
  shell_files_limit      integer,
  pages_limit            integer,
  ai_tokens_limit        bigint,
  storage_limit_mb       integer,
  -- Some counter is past its limit (pages and tokens can pass it: their size is known afterwards).
  is_over_limit          boolean     generated always as (
                           coalesce(shell_files_uploaded > shell_files_limit, false)
                           or coalesce(total_pages_processed > pages_limit, false)
                           or coalesce(ai_tokens_used > ai_tokens_limit, false)
                           or coalesce(storage_used_bytes > storage_limit_mb::bigint * 1048576, false)) stored,
  -- Some counter has reached its limit: more of that kind is refused until an upgrade or next month.
  upgrade_required       boolean     generated always as (
                           coalesce(shell_files_uploaded >= shell_files_limit, false)
                           or coalesce(total_pages_processed >= pages_limit, false)
                           or coalesce(ai_tokens_used >= ai_tokens_limit, false)
                           or coalesce(storage_used_bytes >= storage_limit_mb::bigint * 1048576, false)) stored,
  created_at             timestamptz not null default now(),
  updated_at             timestamptz not null default now(),
  unique (profile_id, billing_cycle_start),
  constraint user_usage_tracking_cycle check (billing_cycle_end = (billing_cycle_start + interval '1 month' - interval '1 day')::date)
);
comment on table public.user_usage_tracking is
  'One row per profile per billing month (UTC calendar month): counters, the plan and its limits. Written only by the usage functions.';
create index user_usage_tracking_cycle on public.user_usage_tracking (billing_cycle_start, plan_type);
-- No set_updated_at trigger: the two writers (usage_record, change_account_plan) set updated_at
-- themselves, and a trigger would cost every upload one more PL/pgSQL call (bench/usage/run).

create table public.usage_events (
  -- The event's public id. The key is the idempotency key: a random-uuid index would be one more
  -- b-tree written at a random page on every upload, for a lookup nothing makes.
  id                  uuid        not null default gen_random_uuid(),
  profile_id          uuid        not null references public.user_profiles (id) on delete cascade,
  event_type          text        not null check (event_type in (
                        'shell_file_uploaded', 'shell_file_processed', 'ai_processing_started',
                        'ai_processing_completed', 'page_extracted', 'storage_used', 'plan_upgraded',
                        'plan_downgraded', 'limit_warning', 'limit_hit')),
  metrics             jsonb       not null default '{}'::jsonb check (jsonb_typeof(metrics) = 'object'),
  -- No foreign keys on the links: the ledger outlives what it counted (files are erased, jobs
  -- archived and deleted; billing history keeps the ids), and an upload's insert skips the checks.
  shell_file_id       uuid,
  job_id              uuid,
  ai_generation_id    uuid,
  -- upload:<file>, processed:<file>, ai:<generation> (or ai-job:<job>), threshold:..., plan:<change>.
  idempotency_key     text        primary key check (length(idempotency_key) between 1 and 300),
  billing_cycle_start date        not null,
  created_at          timestamptz not null default now()
);
comment on table public.usage_events is
  'Usage ledger: one row per counted event, unique by idempotency key (a replay is not counted). Append-only.';
create index usage_events_profile_created on public.usage_events (profile_id, created_at desc);
-- Append-only, so created_at follows the physical order: a BRIN index serves the operators' date
-- ranges at a fraction of a b-tree's cost per insert (one more index on every upload otherwise).
create index usage_events_created on public.usage_events using brin (created_at);

-- Both read by the owner and by grantees who may view the profile's documents (read_only and up,
-- can_view_documents); written by nobody but the service role and the functions below.
alter table public.user_usage_tracking enable row level security;
revoke all on table public.user_usage_tracking from public, anon, authenticated;
grant select on table public.user_usage_tracking to authenticated;
grant select, insert, update, delete on table public.user_usage_tracking to service_role;
create policy user_usage_tracking_select on public.user_usage_tracking
  for select to authenticated
  using (profile_id in (select public.my_profiles('read_only', 'view_documents')));

alter table public.usage_events enable row level security;
revoke all on table public.usage_events from public, anon, authenticated;
grant select on table public.usage_events to authenticated;
grant select, insert on table public.usage_events to service_role;
create policy usage_events_select on public.usage_events
  for select to authenticated
  using (profile_id in (select public.my_profiles('read_only', 'view_documents')));

-- The fold's bookmark on shell files. usage_xact is the registering transaction's id
-- (pg_current_xact_id, as a bigint), set by register_upload when the fold is to count the upload
-- (metered, on a plan without upload limits). A
-- transaction id below the oldest one still running belongs to a transaction that has ended, so
-- the fold takes the files of [horizon, oldest running) and moves the horizon there: each file is
-- taken by exactly one fold, none is skipped however long its transaction ran, and the ledger's
-- key makes a file counted some other way (track_shell_file_upload_usage) count once.
alter table public.shell_files add column usage_xact bigint;
comment on column public.shell_files.usage_xact is
  'Id of the transaction that registered the upload when the fold is to count it (metered, on a plan without upload limits): usage_fold_uploads counts it once that transaction has ended. Null otherwise.';
-- The fold's range scan (a b-tree: a BRIN's unsummarised ranges made every fold read all the
-- pages written since the last vacuum), and a profile's uploads not folded yet (the limit checks,
-- the dashboard). Both partial: only uploads on plans without limits are marked.
create index shell_files_usage_xact on public.shell_files (usage_xact) where usage_xact is not null;
create index shell_files_usage_pending on public.shell_files (patient_id, usage_xact) where usage_xact is not null;

create table public.usage_fold_state (
  id        boolean     primary key default true check (id),
  -- Every marked upload registered by a transaction below this id has been counted.
  horizon   bigint      not null check (horizon >= 0),
  folded_at timestamptz not null default now()
);
comment on table public.usage_fold_state is
  'One row: how far usage_fold_uploads has counted uploads (transaction ids below horizon). Written only by the fold.';
insert into public.usage_fold_state (horizon) values (pg_current_xact_id()::text::bigint);
alter table public.usage_fold_state enable row level security;
revoke all on table public.usage_fold_state from public, anon, authenticated;
grant select on table public.usage_fold_state to service_role;

insert into public.feature_flags (flag_name, enabled, description) values
  ('usage_tracking', true, 'Record usage against plans and enforce the plan limits.'),
  ('billing', false, 'Plans are sold: an account without a plan is on free. Off: prices are informational, an account without a plan is unlimited, operators assign plans.'),
  ('upgrade_prompts', false, 'The dashboard offers an upgrade when a limit is near.')
on conflict (flag_name) do nothing;

-- Internal helpers ------------------------------------------------------------------------------
-- Not SECURITY DEFINER, and those that read or write tables are not executable by any API role:
-- they run inside the guarded functions below, with those functions' (the owner's) rights, and
-- trust their arguments (the pure ones, such as usage_billing_month, are open to all). They are PL/pgSQL
-- rather than SQL on purpose: a SQL function with a pinned search_path cannot be inlined and is
-- planned again at every call, while PL/pgSQL keeps its plans for the session (bench/usage/run).
-- They (and the internal enforcement helpers further down) do not pin search_path: they run on
-- every upload, a SET clause costs each call a GUC change and restore, and they need none. They
-- hold no rights of their own, every name in them is schema-qualified, and when a guarded function
-- calls them its own pinned search_path is in force.

-- usage_flag(name, default): a feature flag, or the default when the flag row is absent.
create function public.usage_flag(p_flag_name text, p_default boolean) returns boolean
  language plpgsql stable
  as $$
begin
  return coalesce((select f.enabled from public.feature_flags f where f.flag_name = p_flag_name), p_default);
end
$$;
comment on function public.usage_flag(text, boolean) is
  'The enabled state of feature flag p_flag_name, p_default when it does not exist. Reads no user data.';
revoke all on function public.usage_flag(text, boolean) from public, anon, authenticated, service_role;

-- usage_billing_month(at): the first day of the billing month containing `at` (UTC calendar month).
-- One expression in SQL, unpinned, so a query that uses it per row (the fold) inlines it.
create function public.usage_billing_month(p_at timestamptz) returns date
  language sql immutable
  as $$ select (date_trunc('month', p_at at time zone 'UTC'))::date $$;
comment on function public.usage_billing_month(timestamptz) is
  'First day of the UTC calendar month containing p_at: the billing cycle start.';
revoke all on function public.usage_billing_month(timestamptz) from public, anon;
grant execute on function public.usage_billing_month(timestamptz) to authenticated, service_role;

-- usage_default_plan(): the plan of an account that has none assigned: system_configuration
-- 'usage.default_plan' when set; else free when billing is on (plans are sold), and enterprise
-- (unlimited) when billing is off, so a self-hosted install limits nobody until an operator
-- assigns a plan. Metering itself runs either way (usage_tracking).
create function public.usage_default_plan() returns text
  language plpgsql stable
  as $$
begin
  -- One statement (the billing flag read in place, not through usage_flag): every upload asks.
  return coalesce((select c.config_value #>> '{}' from public.system_configuration c
                    where c.config_key = 'usage.default_plan'),
                  case when coalesce((select f.enabled from public.feature_flags f where f.flag_name = 'billing'), false)
                       then 'free' else 'enterprise' end);
end
$$;
comment on function public.usage_default_plan() is
  'Internal. Plan of accounts without one: system_configuration usage.default_plan, else free with billing on and enterprise (unlimited) with billing off.';
revoke all on function public.usage_default_plan() from public, anon, authenticated, service_role;

-- usage_can_upload(profile): may the caller (auth.uid()) upload documents for the profile? The
-- owner, or a live grant at read_write or above with can_upload_documents: my_profiles' rule.
create function public.usage_can_upload(p_profile_id uuid) returns boolean
  language plpgsql stable
  as $$
begin
  return coalesce(p_profile_id in (select public.my_profiles('read_write', 'upload_documents')), false);
end
$$;
comment on function public.usage_can_upload(uuid) is
  'Internal. True when p_profile_id is among my_profiles(''read_write'', ''upload_documents'') (the caller owns it or holds a live read_write+ grant with can_upload_documents).';
revoke all on function public.usage_can_upload(uuid) from public, anon, authenticated, service_role;

-- usage_plan_of(profile): the subscription plan of the profile's account owner (the default plan
-- without a row).
create function public.usage_plan_of(p_profile_id uuid) returns public.subscription_plans
  language plpgsql stable
  as $$
declare
  v_plan public.subscription_plans;
begin
  -- One statement: it runs twice on every upload. COALESCE evaluates the default only when needed.
  select * into v_plan from public.subscription_plans s
   where s.plan_type = coalesce((select a.plan_type
                                   from public.user_profiles p
                                   join public.account_plans a on a.account_id = p.account_owner_id
                                  where p.id = p_profile_id),
                                public.usage_default_plan());
  return v_plan;
end
$$;
comment on function public.usage_plan_of(uuid) is
  'Internal. The plan of the account that owns p_profile_id; usage_default_plan() when the account has none.';
revoke all on function public.usage_plan_of(uuid) from public, anon, authenticated;

-- usage_month_row(profile, month, lock): the profile's row for the month, created when missing
-- (INSERT ... ON CONFLICT DO NOTHING, so concurrent creators agree). Storage starts from the
-- documents the profile held before the month began. With p_lock the row is locked FOR UPDATE,
-- which serialises the profile's limit checks until the caller's transaction ends.
create function public.usage_month_row(p_profile_id uuid, p_month date, p_lock boolean)
  returns public.user_usage_tracking
  language plpgsql
  as $$
declare
  v_plan public.subscription_plans;
  v_row  public.user_usage_tracking;
begin
  if p_lock then
    select * into v_row from public.user_usage_tracking t
     where t.profile_id = p_profile_id and t.billing_cycle_start = p_month for update;
  else
    select * into v_row from public.user_usage_tracking t
     where t.profile_id = p_profile_id and t.billing_cycle_start = p_month;
  end if;
  if found then
    return v_row;
  end if;
  v_plan := public.usage_plan_of(p_profile_id);
  insert into public.user_usage_tracking (profile_id, billing_cycle_start, billing_cycle_end, storage_used_bytes,
                                          plan_type, shell_files_limit, pages_limit, ai_tokens_limit, storage_limit_mb)
  values (p_profile_id, p_month, (p_month + interval '1 month' - interval '1 day')::date,
          (select coalesce(sum(f.file_size_bytes), 0) from public.shell_files f
            where f.patient_id = p_profile_id and f.deleted_at is null
              and f.created_at < p_month::timestamp at time zone 'UTC'),
          v_plan.plan_type, v_plan.shell_files_limit, v_plan.pages_limit, v_plan.ai_tokens_limit, v_plan.storage_limit_mb)
  on conflict (profile_id, billing_cycle_start) do nothing;
  if p_lock then
    select * into v_row from public.user_usage_tracking t
     where t.profile_id = p_profile_id and t.billing_cycle_start = p_month for update;
  else
    select * into v_row from public.user_usage_tracking t
     where t.profile_id = p_profile_id and t.billing_cycle_start = p_month;
  end if;
  return v_row;
end
$$;
comment on function public.usage_month_row(uuid, date, boolean) is
  'Internal. The profile''s usage row for the month starting p_month, created on demand (ON CONFLICT); locked FOR UPDATE when p_lock.';
revoke all on function public.usage_month_row(uuid, date, boolean) from public, anon, authenticated;

-- usage_add(profile, month, plan, amounts, enforce): move the month's counters by the amounts (one
-- UPDATE, atomic under concurrency), creating the month's row when it has none, and write the
-- plan's limits in force now beside them. Returns the row as it now is. With p_enforce the UPDATE
-- moves the counters only while the files, pages and storage stay within the plan; otherwise it
-- raises SQLSTATE EX402 naming the limit (the API's 402 plan_limit_exceeded), which rolls back the
-- caller's transaction. Check and count are one statement: concurrent uploads of a profile queue
-- on the row's lock and each re-checks the row as the one before left it, so no lock is taken
-- beforehand. Internal: usage_record and the fold call it, once the amounts are in the ledger.
create function public.usage_add(p_profile_id uuid, p_month date, p_plan public.subscription_plans,
                                 p_files integer, p_pages integer, p_bytes bigint, p_tokens bigint,
                                 p_ai_jobs integer, p_ai_seconds numeric, p_enforce boolean default false)
  returns public.user_usage_tracking
  language plpgsql
  as $$
declare
  v_row    public.user_usage_tracking;
  v_reason text;
begin
  for v_try in 1 .. 2 loop
    update public.user_usage_tracking t
       set shell_files_uploaded  = t.shell_files_uploaded + p_files,
           total_pages_processed = greatest(t.total_pages_processed + p_pages, 0),
           total_file_size_bytes = t.total_file_size_bytes + p_bytes,
           storage_used_bytes    = t.storage_used_bytes + p_bytes,
           ai_tokens_used        = t.ai_tokens_used + p_tokens,
           ai_processing_jobs    = t.ai_processing_jobs + p_ai_jobs,
           ai_processing_seconds = t.ai_processing_seconds + p_ai_seconds,
           plan_type             = p_plan.plan_type,
           shell_files_limit     = p_plan.shell_files_limit,
           pages_limit           = p_plan.pages_limit,
           ai_tokens_limit       = p_plan.ai_tokens_limit,
           storage_limit_mb      = p_plan.storage_limit_mb,
           updated_at            = now()
     where t.profile_id = p_profile_id and t.billing_cycle_start = p_month
       -- usage_limit_refusal's three rules, as a condition the row lock makes atomic
       and (not p_enforce
            or (coalesce(t.shell_files_uploaded + p_files <= p_plan.shell_files_limit, true)
                and coalesce(t.total_pages_processed + p_pages <= p_plan.pages_limit, true)
                and coalesce(t.storage_used_bytes + p_bytes <= p_plan.storage_limit_mb::bigint * 1048576, true)))
    returning * into v_row;
    if found then
      return v_row;
    end if;
    -- No row for the month yet (create it; concurrent creators agree), or an enforced limit would
    -- be passed: the row is then locked, so the second UPDATE cannot miss it and the refusal is
    -- decided here.
    v_row := public.usage_month_row(p_profile_id, p_month, p_enforce);
    if p_enforce then
      v_row.plan_type := p_plan.plan_type;
      v_row.shell_files_limit := p_plan.shell_files_limit;
      v_row.pages_limit := p_plan.pages_limit;
      v_row.storage_limit_mb := p_plan.storage_limit_mb;
      v_reason := public.usage_limit_refusal(v_row, p_files, p_pages, p_bytes);
      if v_reason is not null then
        raise exception '%', v_reason using errcode = 'EX402', hint = 'plan_limit_exceeded';
      end if;
    end if;
  end loop;
  raise exception 'usage row of profile % for % could not be counted', p_profile_id, p_month using errcode = 'XX000';
end
$$;
comment on function public.usage_add(uuid, date, public.subscription_plans, integer, integer, bigint, bigint, integer, numeric, boolean) is
  'Internal. Adds the amounts to the profile''s counters for the month starting p_month (creating the row) with p_plan''s limits and returns the row; with p_enforce raises EX402 naming the files, pages or storage limit the amounts would pass.';
revoke all on function public.usage_add(uuid, date, public.subscription_plans, integer, integer, bigint, bigint, integer, numeric, boolean)
  from public, anon, authenticated, service_role;

-- usage_record_thresholds(profile, month, at, row, plan): the 80% and 90% warnings and the 100%
-- limit hit of each of the plan's limits that the row has reached, each once per month, limit and
-- plan (the key; an upgrade starts the warnings afresh against the new limits). Below 80% of every
-- limit (and on an unlimited plan) there is nothing to record and nothing is written. In numeric:
-- a limit near its type's maximum must not overflow.
create function public.usage_record_thresholds(p_profile_id uuid, p_month date, p_at timestamptz,
                                               p_row public.user_usage_tracking, p_plan public.subscription_plans)
  returns void
  language plpgsql
  as $$
begin
  if not (coalesce(p_row.shell_files_uploaded::numeric * 100 >= p_plan.shell_files_limit::numeric * 80, false)
          or coalesce(p_row.total_pages_processed::numeric * 100 >= p_plan.pages_limit::numeric * 80, false)
          or coalesce(p_row.ai_tokens_used::numeric * 100 >= p_plan.ai_tokens_limit::numeric * 80, false)
          or coalesce(p_row.storage_used_bytes::numeric * 100 >= p_plan.storage_limit_mb::numeric * 1048576 * 80, false)) then
    return;
  end if;
  insert into public.usage_events (profile_id, event_type, metrics, idempotency_key, billing_cycle_start, created_at)
  select p_profile_id,
         case when th.pct = 100 then 'limit_hit' else 'limit_warning' end,
         jsonb_build_object('limit_name', m.name, 'threshold_percent', th.pct, 'used', m.used, 'limit', m.lim,
                            'plan_type', p_plan.plan_type),
         'threshold:' || p_profile_id || ':' || p_month || ':' || p_plan.plan_type || ':' || m.name || ':' || th.pct,
         p_month, p_at
    from (values ('shell_files', p_row.shell_files_uploaded::numeric, p_plan.shell_files_limit::numeric),
                 ('pages', p_row.total_pages_processed::numeric, p_plan.pages_limit::numeric),
                 ('ai_tokens', p_row.ai_tokens_used::numeric, p_plan.ai_tokens_limit::numeric),
                 ('storage_mb', p_row.storage_used_bytes / 1048576.0, p_plan.storage_limit_mb::numeric)) m(name, used, lim)
    cross join (values (80), (90), (100)) th(pct)
   where m.lim is not null and m.used * 100 >= m.lim * th.pct
  on conflict (idempotency_key) do nothing;
end
$$;
comment on function public.usage_record_thresholds(uuid, date, timestamptz, public.user_usage_tracking, public.subscription_plans) is
  'Internal. Records the limit_warning (80%, 90%) and limit_hit (100%) events the row has reached under p_plan, once per month, limit and plan.';
revoke all on function public.usage_record_thresholds(uuid, date, timestamptz, public.user_usage_tracking, public.subscription_plans)
  from public, anon, authenticated, service_role;

-- usage_record: counts one event now. Inserts it under its idempotency key; only when that insert
-- happened are the month's counters moved (usage_add, which with p_enforce checks the plan's files,
-- pages and storage limits in the same statement and raises EX402) and the 80/90/100% threshold
-- events recorded, once per month per limit (usage_record_thresholds). Returns true when the event
-- was counted, false for a replay or when usage tracking is off. Internal: it trusts its
-- arguments, so no API role executes it; the guarded track_* functions and usage_count_upload (for
-- register_upload) call it.
create function public.usage_record(
  p_profile_id       uuid,
  p_event_type       text,
  p_idempotency_key  text,
  p_at               timestamptz,
  p_files            integer,
  p_pages            integer,
  p_bytes            bigint,
  p_tokens           bigint,
  p_ai_jobs          integer,
  p_ai_seconds       numeric,
  p_metrics          jsonb default '{}'::jsonb,
  p_shell_file_id    uuid  default null,
  p_job_id           uuid  default null,
  p_ai_generation_id uuid  default null,
  p_enforce          boolean default false
) returns boolean
  language plpgsql
  as $$
declare
  v_month date := public.usage_billing_month(p_at);
  v_event uuid;
  v_plan  public.subscription_plans;
begin
  if not public.usage_flag('usage_tracking', true) then
    return false;
  end if;
  v_plan := public.usage_plan_of(p_profile_id);
  if p_files < 0 or p_bytes < 0 or p_tokens < 0 or p_ai_jobs < 0 or p_ai_seconds < 0 then
    raise exception 'usage amounts must not be negative' using errcode = '22023';
  end if;

  insert into public.usage_events (profile_id, event_type, metrics, shell_file_id, job_id, ai_generation_id,
                                   idempotency_key, billing_cycle_start, created_at)
  values (p_profile_id, p_event_type, coalesce(p_metrics, '{}'::jsonb), p_shell_file_id, p_job_id,
          p_ai_generation_id, p_idempotency_key, v_month, p_at)
  on conflict (idempotency_key) do nothing
  returning id into v_event;
  if v_event is null then
    return false;
  end if;

  perform public.usage_record_thresholds(
    p_profile_id, v_month, p_at,
    public.usage_add(p_profile_id, v_month, v_plan, p_files, p_pages, p_bytes, p_tokens, p_ai_jobs, p_ai_seconds, p_enforce),
    v_plan);
  return true;
end
$$;
comment on function public.usage_record(uuid, text, text, timestamptz, integer, integer, bigint, bigint, integer,
                                        numeric, jsonb, uuid, uuid, uuid, boolean) is
  'Internal. Counts one usage event once per idempotency key into the month of p_at (creating the month row), then records 80/90/100% threshold events once per month and limit. With p_enforce, raises EX402 naming the files, pages or storage limit the event would pass. False for a replay or with usage_tracking off.';
revoke all on function public.usage_record(uuid, text, text, timestamptz, integer, integer, bigint, bigint, integer,
                                           numeric, jsonb, uuid, uuid, uuid, boolean)
  from public, anon, authenticated, service_role;

-- usage_estimated_pages(page_count, document_type, bytes): the server's page count of a stored
-- file: the one its processing read when known, else an estimate from the stored size (PDF about
-- 10 pages per MiB, at least 1; anything else 1), as the original's edge function estimated. Never
-- the client's. One expression in SQL, unpinned, so the fold and the pending-uploads query inline
-- it per row; the shell_files form below is for callers holding a row.
create function public.usage_estimated_pages(p_page_count integer, p_document_type text, p_bytes bigint)
  returns integer
  language sql immutable
  as $$
    select coalesce(p_page_count,
                    case when p_document_type = 'pdf' then greatest(1, ceil(p_bytes * 10 / 1048576.0))::integer
                         else 1 end)
  $$;
comment on function public.usage_estimated_pages(integer, text, bigint) is
  'Pages of a stored file: p_page_count when processing read it, else PDF ~10 per MiB of p_bytes (min 1), other types 1.';
revoke all on function public.usage_estimated_pages(integer, text, bigint) from public, anon;
grant execute on function public.usage_estimated_pages(integer, text, bigint) to authenticated, service_role;

create function public.usage_estimated_pages(p_file public.shell_files) returns integer
  language sql immutable
  as $$ select public.usage_estimated_pages(p_file.page_count, p_file.document_type, p_file.file_size_bytes) $$;
comment on function public.usage_estimated_pages(public.shell_files) is
  'Pages of a stored file: page_count when processing read it, else PDF ~10 per MiB (min 1), other types 1.';
revoke all on function public.usage_estimated_pages(public.shell_files) from public, anon;
grant execute on function public.usage_estimated_pages(public.shell_files) to authenticated, service_role;

-- usage_upload_metrics(bytes, page_count, document_type): the ledger's metrics of an upload event.
-- Inlinable SQL, like usage_estimated_pages: the fold builds one per file. Stable, as
-- jsonb_build_object is: declared immutable it would not be inlined, and a SQL function that is
-- not inlined is planned again at every call (0.14 ms an upload, bench/usage/run).
create function public.usage_upload_metrics(p_bytes bigint, p_page_count integer, p_document_type text) returns jsonb
  language sql stable
  as $$
    select jsonb_build_object('file_size_bytes', p_bytes,
                              'pages', public.usage_estimated_pages(p_page_count, p_document_type, p_bytes),
                              'pages_estimated', p_page_count is null, 'document_type', p_document_type)
  $$;
comment on function public.usage_upload_metrics(bigint, integer, text) is
  'The metrics of a file''s shell_file_uploaded event: file_size_bytes, pages (usage_estimated_pages), pages_estimated, document_type.';
revoke all on function public.usage_upload_metrics(bigint, integer, text) from public, anon, authenticated, service_role;

-- usage_count_upload(file, enforce): count one stored file now, once (key upload:<file>), with its
-- stored size and the server's pages (a file the fold has counted is not counted again); with
-- p_enforce, refuse it (EX402) when it would pass the plan's files, pages or storage limit.
-- Internal: register_upload (a plan with upload limits: it has checked the uploader, and
-- enforces), track_shell_file_upload_usage (which checks) and track_shell_file_processed_usage call it.
create function public.usage_count_upload(p_file public.shell_files, p_enforce boolean default false) returns boolean
  language plpgsql
  as $$
declare
  v_metrics jsonb := public.usage_upload_metrics(p_file.file_size_bytes, p_file.page_count, p_file.document_type);
begin
  return public.usage_record(p_file.patient_id, 'shell_file_uploaded', 'upload:' || p_file.id, now(),
                             1, (v_metrics ->> 'pages')::integer, p_file.file_size_bytes, 0, 0, 0,
                             v_metrics, p_file.id, p_file.processing_job_id, null, p_enforce);
end
$$;
comment on function public.usage_count_upload(public.shell_files, boolean) is
  'Internal. Counts a stored file now, once (upload:<file>), with its stored size and server-side pages; with p_enforce raises EX402 naming the plan limit it would pass.';
revoke all on function public.usage_count_upload(public.shell_files, boolean) from public, anon, authenticated, service_role;

-- usage_pending_uploads(profile, month): the profile's uploads of the month that the fold has not
-- counted yet (visible to the caller's snapshot): how many, their pages and bytes. The dashboard
-- adds them to the month row, so it is exact at any moment.
create function public.usage_pending_uploads(p_profile_id uuid, p_month date,
                                             out files integer, out pages integer, out bytes bigint)
  language plpgsql stable
  -- Custom plans would plan the query (and parse the SQL helpers it inlines) at every call, for
  -- the same plan: measured at 0.7 ms a call under the bench's load, against 0.05 ms to run it.
  set plan_cache_mode = force_generic_plan
  as $$
begin
  select count(*)::integer,
         coalesce(sum(public.usage_estimated_pages(f.page_count, f.document_type, f.file_size_bytes)), 0)::integer,
         coalesce(sum(f.file_size_bytes), 0)::bigint
    into files, pages, bytes
    from public.shell_files f
   where f.patient_id = p_profile_id
     and f.usage_xact >= (select s.horizon from public.usage_fold_state s)
     -- The month as a function of the row, and the ledger probed per row: the few files above the
     -- horizon are found by (patient_id, usage_xact), never by a scan of the month's files or ledger.
     and public.usage_billing_month(f.created_at) = p_month
     and (select e.idempotency_key from public.usage_events e where e.idempotency_key = 'upload:' || f.id) is null;
end
$$;
comment on function public.usage_pending_uploads(uuid, date) is
  'Internal. The profile''s metered uploads in the month starting p_month that no counter holds yet (the fold has not reached them): files, pages, bytes.';
revoke all on function public.usage_pending_uploads(uuid, date) from public, anon, authenticated, service_role;

-- usage_upload_counts_now(profile): how register_upload meters an upload for the profile: null when
-- usage tracking is off (not metered); false when the fold counts it (a plan without upload
-- limits: the file is marked); true when the upload's own transaction checks and counts it (a
-- plan that limits files, pages or storage).
create function public.usage_upload_counts_now(p_profile_id uuid) returns boolean
  language plpgsql stable
  as $$
declare
  v_plan public.subscription_plans;
begin
  if not public.usage_flag('usage_tracking', true) then
    return null;
  end if;
  v_plan := public.usage_plan_of(p_profile_id);
  return num_nonnulls(v_plan.shell_files_limit, v_plan.pages_limit, v_plan.storage_limit_mb) > 0;
end
$$;
comment on function public.usage_upload_counts_now(uuid) is
  'Internal. Null: usage tracking off. False: the fold counts the profile''s uploads. True: its plan limits uploads, which are checked and counted in their own transaction.';
revoke all on function public.usage_upload_counts_now(uuid) from public, anon, authenticated, service_role;


-- usage_fold_uploads(wait): counts the marked uploads whose transactions have ended since the last
-- fold: one ledger row each (key upload:<file>, dated at the upload; a file counted already is
-- skipped), the counters of each profile's month moved once, its thresholds recorded, and the
-- horizon moved, all in one transaction. One fold at a time: without p_wait a call that finds
-- another folding returns 0 at once. Returns the number of uploads counted. The servers call it
-- once a second (UsageFold), and change_account_plan before it changes limits. Guard: service role
-- or operator.
create function public.usage_fold_uploads(p_wait boolean default false) returns integer
  language plpgsql
  security definer
  set search_path = ''
  as $$
declare
  v_from     bigint;
  v_to       bigint;
  v_profiles uuid[];
  v_months   date[];
  v_files    integer[];
  v_pages    integer[];
  v_bytes    bigint[];
  v_plan     public.subscription_plans;
begin
  if not (public.is_service_role() or public.is_admin()) then
    raise exception 'uploads are folded by the servers (service role) and operators' using errcode = '42501';
  end if;
  if p_wait then
    select s.horizon into v_from from public.usage_fold_state s for update;
  else
    select s.horizon into v_from from public.usage_fold_state s for update skip locked;
    if not found then
      return 0;
    end if;
  end if;
  -- Every transaction below the oldest one still running has ended, and its files are visible now.
  v_to := pg_snapshot_xmin(pg_current_snapshot())::text::bigint;
  if v_to <= v_from then
    return 0;
  end if;
  with counted as (
    insert into public.usage_events as e (profile_id, event_type, metrics, shell_file_id, job_id, idempotency_key,
                                          billing_cycle_start, created_at)
    select f.patient_id, 'shell_file_uploaded', public.usage_upload_metrics(f.file_size_bytes, f.page_count, f.document_type),
           f.id, f.processing_job_id,
           'upload:' || f.id, public.usage_billing_month(f.created_at), f.created_at
      from public.shell_files f
     where f.usage_xact >= v_from and f.usage_xact < v_to
    on conflict (idempotency_key) do nothing
    returning e.profile_id, e.billing_cycle_start, (e.metrics ->> 'pages')::integer as pages,
              (e.metrics ->> 'file_size_bytes')::bigint as bytes
  )
  select array_agg(g.profile_id), array_agg(g.month), array_agg(g.files), array_agg(g.pages), array_agg(g.bytes)
    into v_profiles, v_months, v_files, v_pages, v_bytes
    from (select c.profile_id, c.billing_cycle_start as month, count(*)::integer as files,
                 sum(c.pages)::integer as pages, sum(c.bytes)::bigint as bytes
            from counted c
           group by c.profile_id, c.billing_cycle_start
           order by c.profile_id, c.billing_cycle_start) g;
  -- Rows in (profile, month) order: an upload check locks one row, so no two lockers wait on each other in a cycle.
  for i in 1 .. coalesce(array_length(v_profiles, 1), 0) loop
    v_plan := public.usage_plan_of(v_profiles[i]);
    perform public.usage_record_thresholds(
      v_profiles[i], v_months[i], now(),
      public.usage_add(v_profiles[i], v_months[i], v_plan, v_files[i], v_pages[i], v_bytes[i], 0, 0, 0),
      v_plan);
  end loop;
  update public.usage_fold_state s set horizon = v_to, folded_at = now();
  return coalesce((select sum(x) from unnest(v_files) x), 0);
end
$$;
comment on function public.usage_fold_uploads(boolean) is
  'Service role or operator. Counts every marked upload whose registering transaction has ended since the last fold (ledger row, counters, thresholds) and moves the horizon; returns how many. Without p_wait returns 0 when another fold is running.';
revoke all on function public.usage_fold_uploads(boolean) from public, anon;
grant execute on function public.usage_fold_uploads(boolean) to authenticated, service_role;

-- The tracking functions (the original's signatures) ---------------------------------------------

-- track_shell_file_upload_usage: count one uploaded file, once (key upload:<file>). The size and
-- pages are read from the stored shell file; p_file_size_bytes and p_estimated_pages are kept for
-- compatibility with the original's callers and ignored (seed 000: never trust the client's).
-- Guard: the service role, or a caller who may upload for the profile; the file must belong to it.
create function public.track_shell_file_upload_usage(
  p_profile_id        uuid,
  p_shell_file_id     uuid,
  p_file_size_bytes   bigint  default null,
  p_estimated_pages   integer default null
) returns boolean
  language plpgsql
  security definer
  set search_path = ''
  as $$
declare
  v_file  public.shell_files;
begin
  if not public.is_service_role() and not public.usage_can_upload(p_profile_id) then
    raise exception 'you cannot record uploads for this profile' using errcode = '42501';
  end if;
  select * into v_file from public.shell_files f where f.id = p_shell_file_id;
  if not found or v_file.patient_id is distinct from p_profile_id then
    raise exception 'shell file % is not a document of profile %', p_shell_file_id, p_profile_id using errcode = '22023';
  end if;
  return public.usage_count_upload(v_file);
end
$$;
comment on function public.track_shell_file_upload_usage(uuid, uuid, bigint, integer) is
  'Counts an uploaded file once (key upload:<file>) with the size and pages stored on the server; the client figures are ignored. Guard: service role or upload right on the profile; the file must be the profile''s.';
revoke all on function public.track_shell_file_upload_usage(uuid, uuid, bigint, integer) from public, anon;
grant execute on function public.track_shell_file_upload_usage(uuid, uuid, bigint, integer) to authenticated, service_role;

-- track_shell_file_processed_usage: once per file (key processed:<file>), when its processing has
-- read the real page count: corrects the month's pages by (read - counted at upload). Service role
-- (the worker), in the transaction that marks the file completed.
create function public.track_shell_file_processed_usage(p_shell_file_id uuid) returns boolean
  language plpgsql
  security definer
  set search_path = ''
  as $$
declare
  v_file    public.shell_files;
  v_counted integer;
begin
  if not public.is_service_role() then
    raise exception 'processing usage is recorded by the workers (service role)' using errcode = '42501';
  end if;
  select * into v_file from public.shell_files f where f.id = p_shell_file_id;
  if not found then
    raise exception 'no shell file %', p_shell_file_id using errcode = 'P0002';
  end if;
  if v_file.usage_xact is not null then
    -- Processing can finish before the fold counts the upload: count it now (with the pages read,
    -- so there is nothing to correct). A file the fold has counted is left as it is.
    perform public.usage_count_upload(v_file);
  end if;
  select (e.metrics ->> 'pages')::integer into v_counted
    from public.usage_events e where e.idempotency_key = 'upload:' || v_file.id;
  return public.usage_record(v_file.patient_id, 'shell_file_processed', 'processed:' || v_file.id, now(),
                             0, case when v_counted is null or v_file.page_count is null then 0
                                     else v_file.page_count - v_counted end,
                             0, 0, 0, 0,
                             jsonb_build_object('pages', v_file.page_count, 'pages_counted_at_upload', v_counted),
                             v_file.id, v_file.processing_job_id, null);
end
$$;
comment on function public.track_shell_file_processed_usage(uuid) is
  'Service role. Once per file (key processed:<file>): corrects the month''s pages from the upload estimate to the page count processing read.';
revoke all on function public.track_shell_file_processed_usage(uuid) from public, anon, authenticated;
grant execute on function public.track_shell_file_processed_usage(uuid) to service_role;

-- track_ai_processing_usage: count one AI call's tokens, once. Defect 5: the original was granted
-- to the service role only but then demanded the caller's own access to the profile, so it failed
-- for its only caller; here the service role is the caller it is made for (and it creates the
-- month's row, seed 000). With p_generation_id the tokens (input + output) and the profile come
-- from the ai_generations row and the key is ai:<generation>; without it, p_tokens_used is counted
-- under ai-job:<job>.
create function public.track_ai_processing_usage(
  p_profile_id         uuid,
  p_job_id             uuid,
  p_tokens_used        bigint,
  p_processing_seconds numeric,
  p_generation_id      uuid default null
) returns boolean
  language plpgsql
  security definer
  set search_path = ''
  as $$
declare
  v_gen    public.ai_generations;
  v_tokens bigint := p_tokens_used;
  v_key    text;
begin
  if not public.is_service_role() then
    raise exception 'AI usage is recorded by the workers (service role)' using errcode = '42501';
  end if;
  if p_profile_id is null or not exists (select 1 from public.user_profiles p where p.id = p_profile_id) then
    raise exception 'no profile %', p_profile_id using errcode = '22023';
  end if;
  if p_generation_id is not null then
    select * into v_gen from public.ai_generations g where g.id = p_generation_id;
    if not found or v_gen.profile_id <> p_profile_id then
      raise exception 'generation % is not a call for profile %', p_generation_id, p_profile_id using errcode = '22023';
    end if;
    v_tokens := v_gen.input_tokens + v_gen.output_tokens;
    v_key := 'ai:' || p_generation_id;
  elsif p_job_id is not null then
    v_key := 'ai-job:' || p_job_id;
  else
    raise exception 'name the generation or the job the tokens were used for' using errcode = '22023';
  end if;
  if v_tokens is null or v_tokens < 0 or coalesce(p_processing_seconds, 0) < 0 then
    raise exception 'tokens and seconds must not be negative' using errcode = '22023';
  end if;
  return public.usage_record(p_profile_id, 'ai_processing_completed', v_key, now(), 0, 0, 0, v_tokens, 1,
                             coalesce(p_processing_seconds, 0),
                             jsonb_build_object('tokens', v_tokens, 'model', coalesce(v_gen.model_returned, v_gen.model_requested),
                                                'provider', v_gen.provider, 'processing_seconds', p_processing_seconds),
                             v_gen.shell_file_id, coalesce(p_job_id, v_gen.job_id), p_generation_id);
end
$$;
comment on function public.track_ai_processing_usage(uuid, uuid, bigint, numeric, uuid) is
  'Service role (defect 5: works for its caller). Counts one AI call once (ai:<generation>, else ai-job:<job>), creating the month row; tokens come from ai_generations when the generation is named.';
revoke all on function public.track_ai_processing_usage(uuid, uuid, bigint, numeric, uuid) from public, anon, authenticated;
grant execute on function public.track_ai_processing_usage(uuid, uuid, bigint, numeric, uuid) to service_role;

-- Enforcement ------------------------------------------------------------------------------------

-- usage_limit_refusal(row, files, pages, bytes): why adding these amounts would pass a limit of
-- the row's plan (a message naming the limit), or null.
create function public.usage_limit_refusal(p_row public.user_usage_tracking, p_files integer, p_pages integer,
                                           p_bytes bigint) returns text
  language plpgsql immutable
  as $$
begin
  return case
      when p_row.shell_files_limit is not null and p_row.shell_files_uploaded + p_files > p_row.shell_files_limit
        then format('the %s plan''s limit of %s documents a month is reached (%s used)',
                    p_row.plan_type, p_row.shell_files_limit, p_row.shell_files_uploaded)
      when p_row.pages_limit is not null and p_row.total_pages_processed + p_pages > p_row.pages_limit
        then format('the %s plan''s limit of %s pages a month would be passed (%s used, this document %s)',
                    p_row.plan_type, p_row.pages_limit, p_row.total_pages_processed, p_pages)
      when p_row.storage_limit_mb is not null
           and p_row.storage_used_bytes + p_bytes > p_row.storage_limit_mb::bigint * 1048576
        then format('the %s plan''s storage limit of %s MB would be passed (%s MB used)',
                    p_row.plan_type, p_row.storage_limit_mb, round(p_row.storage_used_bytes / 1048576.0, 1))
    end;
end
$$;
comment on function public.usage_limit_refusal(public.user_usage_tracking, integer, integer, bigint) is
  'Message naming the first plan limit (files, pages, storage) that adding the amounts would pass; null when within every limit.';
revoke all on function public.usage_limit_refusal(public.user_usage_tracking, integer, integer, bigint) from public, anon;
grant execute on function public.usage_limit_refusal(public.user_usage_tracking, integer, integer, bigint)
  to authenticated, service_role;

-- usage_upload_refusal: the check before anything is stored. Would one more document (of at least
-- one page and one byte) pass a limit of the profile's plan this month? Returns the message, or
-- null. A replay (the caller already registered this idempotency key) is never refused: it stores
-- nothing new. Null too on an unlimited plan or when usage tracking is off. Guard: the upload
-- right, or the service role.
create function public.usage_upload_refusal(p_profile_id uuid, p_idempotency_key text default null) returns text
  language plpgsql stable
  security definer
  set search_path = ''
  as $$
declare
  v_row    public.user_usage_tracking;
  v_plan   public.subscription_plans;
  v_month  date;
  v_reason text;
begin
  if not public.is_service_role() and not public.usage_can_upload(p_profile_id) then
    raise exception 'you cannot upload documents for this profile' using errcode = '42501';
  end if;
  if not public.usage_flag('usage_tracking', true) then
    return null;
  end if;
  v_plan := public.usage_plan_of(p_profile_id);
  if num_nonnulls(v_plan.shell_files_limit, v_plan.pages_limit, v_plan.storage_limit_mb) = 0 then
    return null;  -- an unlimited plan refuses nothing
  end if;
  -- The month as a value, not as the SQL helper inside the query: a query that inlines it is parsed
  -- again whenever it is planned afresh, and with a profile id bound it can be planned at every call.
  v_month := public.usage_billing_month(now());
  select * into v_row from public.user_usage_tracking t
   where t.profile_id = p_profile_id and t.billing_cycle_start = v_month;
  if not found then
    -- No upload this month yet: only a zero limit can refuse.
    v_row.plan_type := v_plan.plan_type;
    v_row.shell_files_uploaded := 0;
    v_row.total_pages_processed := 0;
    v_row.storage_used_bytes := 0;
  end if;
  v_row.shell_files_limit := v_plan.shell_files_limit;
  v_row.pages_limit := v_plan.pages_limit;
  v_row.storage_limit_mb := v_plan.storage_limit_mb;
  v_reason := public.usage_limit_refusal(v_row, 1, 1, 1);
  -- A replay stores nothing new, so it is never refused (asked only when there is a refusal).
  if v_reason is not null and p_idempotency_key is not null and exists (
       select 1 from public.shell_files f where f.uploaded_by = auth.uid() and f.idempotency_key = p_idempotency_key) then
    return null;
  end if;
  return v_reason;
end
$$;
comment on function public.usage_upload_refusal(uuid, text) is
  'Pre-check before an upload is stored: a message naming the plan limit one more document would pass, or null (also for a replayed idempotency key or usage_tracking off). Guard: upload right or service role.';
revoke all on function public.usage_upload_refusal(uuid, text) from public, anon;
grant execute on function public.usage_upload_refusal(uuid, text) to authenticated, service_role;

-- usage_ai_refusal(profile): a message naming the AI token limit when the profile has used it up
-- this month, else null (also with usage tracking off). Service role: the worker asks before it
-- spends tokens on a profile's document.
create function public.usage_ai_refusal(p_profile_id uuid) returns text
  language plpgsql stable
  security definer
  set search_path = ''
  as $$
declare
  v_used bigint;
  v_plan public.subscription_plans := public.usage_plan_of(p_profile_id);
  v_month date := public.usage_billing_month(now());
begin
  if not public.is_service_role() then
    raise exception 'asked by the workers (service role) only' using errcode = '42501';
  end if;
  if not public.usage_flag('usage_tracking', true) or v_plan.ai_tokens_limit is null then
    return null;
  end if;
  select t.ai_tokens_used into v_used from public.user_usage_tracking t
   where t.profile_id = p_profile_id and t.billing_cycle_start = v_month;
  if coalesce(v_used, 0) >= v_plan.ai_tokens_limit then
    return format('the %s plan''s AI token limit of %s tokens a month is used up (%s used)',
                  v_plan.plan_type, v_plan.ai_tokens_limit, v_used);
  end if;
  return null;
end
$$;
comment on function public.usage_ai_refusal(uuid) is
  'Service role. A message naming the AI token limit when the profile''s plan allowance for this month is used up; null otherwise.';
revoke all on function public.usage_ai_refusal(uuid) from public, anon, authenticated;
grant execute on function public.usage_ai_refusal(uuid) to service_role;

-- Reading usage ----------------------------------------------------------------------------------

-- usage_can_view(profile): the service role, an operator, or the owner / a grantee with the view right.
create function public.usage_can_view(p_profile_id uuid) returns boolean
  language plpgsql stable
  security definer
  set search_path = ''
  as $$
begin
  return public.is_service_role() or public.is_admin()
      or p_profile_id in (select public.my_profiles('read_only', 'view_documents'));
end
$$;
comment on function public.usage_can_view(uuid) is
  'True for the service role, operators, and callers who may view the profile''s documents (owner, read_only+ with can_view_documents).';
revoke all on function public.usage_can_view(uuid) from public, anon;
grant execute on function public.usage_can_view(uuid) to authenticated, service_role;

-- get_user_usage_status: the dashboard's JSON, exactly the original's shape:
--   {current_period:{start,end}, usage:{shell_files:{used,limit,percentage}, pages:{...},
--    ai_tokens:{...}, storage:{used_mb,limit_mb,percentage}}, status:{plan_type, over_limit, upgrade_required}}
-- Percentages are rounded to one decimal; a limit (and its percentage) is null when unlimited.
-- Limits are the plan's now (a change applies at once). It writes nothing.
create function public.get_user_usage_status(p_profile_id uuid) returns jsonb
  language plpgsql stable
  security definer
  set search_path = ''
  as $$
declare
  v_month date := public.usage_billing_month(now());
  v_plan  public.subscription_plans;
  v_row   public.user_usage_tracking;
  v_pending record;
  v_files bigint := 0;
  v_pages bigint := 0;
  v_tokens bigint := 0;
  v_storage numeric;
  v_over boolean;
  v_required boolean;
begin
  if p_profile_id is null or not (public.is_service_role() or public.usage_can_view(p_profile_id)) then
    raise exception 'you cannot see the usage of this profile' using errcode = '42501';
  end if;
  if not exists (select 1 from public.user_profiles p where p.id = p_profile_id) then
    raise exception 'no profile %', p_profile_id using errcode = 'P0002';
  end if;
  v_plan := public.usage_plan_of(p_profile_id);
  -- The uploads the fold has not counted yet are added, so the figures are exact now.
  select * into v_pending from public.usage_pending_uploads(p_profile_id, v_month);
  v_files := v_pending.files;
  v_pages := v_pending.pages;
  select * into v_row from public.user_usage_tracking t
   where t.profile_id = p_profile_id and t.billing_cycle_start = v_month;
  if found then
    v_files := v_files + v_row.shell_files_uploaded;
    v_pages := v_pages + v_row.total_pages_processed;
    v_tokens := v_row.ai_tokens_used;
    v_storage := round((v_row.storage_used_bytes + v_pending.bytes) / 1048576.0, 1);
  else
    -- (every stored file, the pending ones included)
    v_storage := round((select coalesce(sum(f.file_size_bytes), 0) from public.shell_files f
                         where f.patient_id = p_profile_id and f.deleted_at is null) / 1048576.0, 1);
  end if;
  v_over := coalesce(v_files > v_plan.shell_files_limit, false) or coalesce(v_pages > v_plan.pages_limit, false)
         or coalesce(v_tokens > v_plan.ai_tokens_limit, false) or coalesce(v_storage > v_plan.storage_limit_mb, false);
  v_required := coalesce(v_files >= v_plan.shell_files_limit, false) or coalesce(v_pages >= v_plan.pages_limit, false)
         or coalesce(v_tokens >= v_plan.ai_tokens_limit, false) or coalesce(v_storage >= v_plan.storage_limit_mb, false);
  return jsonb_build_object(
    'current_period', jsonb_build_object('start', v_month,
                                         'end', (v_month + interval '1 month' - interval '1 day')::date),
    'usage', jsonb_build_object(
      'shell_files', jsonb_build_object('used', v_files, 'limit', v_plan.shell_files_limit,
                       'percentage', round(v_files * 100.0 / nullif(v_plan.shell_files_limit, 0), 1)),
      'pages', jsonb_build_object('used', v_pages, 'limit', v_plan.pages_limit,
                 'percentage', round(v_pages * 100.0 / nullif(v_plan.pages_limit, 0), 1)),
      'ai_tokens', jsonb_build_object('used', v_tokens, 'limit', v_plan.ai_tokens_limit,
                     'percentage', round(v_tokens * 100.0 / nullif(v_plan.ai_tokens_limit, 0), 1)),
      'storage', jsonb_build_object('used_mb', v_storage, 'limit_mb', v_plan.storage_limit_mb,
                   'percentage', round(v_storage * 100.0 / nullif(v_plan.storage_limit_mb, 0), 1))),
    'status', jsonb_build_object('plan_type', v_plan.plan_type, 'over_limit', v_over,
                                 'upgrade_required', v_required));
end
$$;
comment on function public.get_user_usage_status(uuid) is
  'The profile''s usage this month against its plan, as {current_period, usage{shell_files,pages,ai_tokens,storage}, status}. Guard: owner, grantee with the view right, operators or service role (42501).';
revoke all on function public.get_user_usage_status(uuid) from public, anon;
grant execute on function public.get_user_usage_status(uuid) to authenticated, service_role;

-- usage_family(account): the family view: every profile the account owns, with its usage status.
-- Guard: the account itself, an operator or the service role.
create function public.usage_family(p_account_id uuid default auth.uid())
  returns table (profile_id uuid, display_name text, profile_type text, usage jsonb)
  language plpgsql stable
  security definer
  set search_path = ''
  as $$
begin
  if p_account_id is null or not (public.is_service_role() or public.is_admin() or p_account_id = auth.uid()) then
    raise exception 'you can see the family usage of your own account only' using errcode = '42501';
  end if;
  return query
    select p.id, p.display_name, p.profile_type, public.get_user_usage_status(p.id)
      from public.user_profiles p
     where p.account_owner_id = p_account_id and not p.archived
     order by p.profile_type <> 'self', p.display_name, p.id;
end
$$;
comment on function public.usage_family(uuid) is
  'Every (unarchived) profile the account owns with its get_user_usage_status JSON. Guard: the account itself, operators, service role.';
revoke all on function public.usage_family(uuid) from public, anon;
grant execute on function public.usage_family(uuid) to authenticated, service_role;

-- usage_ai_costs(profile, month): token and cost accounting from ai_generations: input, output and
-- cached tokens and cost per model for the profile in the month (null profile: every profile, for
-- operators). Cost is summed per price version's currency figure; a model without a price counts
-- its tokens and reports unpriced_calls.
create function public.usage_ai_costs(p_profile_id uuid, p_month date default null)
  returns table (profile_id uuid, billing_month date, provider text, model text, calls bigint,
                 failed_calls bigint, input_tokens bigint, output_tokens bigint, cached_tokens bigint,
                 cost numeric, unpriced_calls bigint)
  language plpgsql stable
  security definer
  set search_path = ''
  as $$
declare
  v_month date := public.usage_billing_month(coalesce(p_month::timestamp at time zone 'UTC', now()));
begin
  if p_profile_id is null then
    if not (public.is_service_role() or public.is_admin()) then
      raise exception 'the report over every profile is for operators' using errcode = '42501';
    end if;
  elsif not public.usage_can_view(p_profile_id) then
    raise exception 'you cannot see the usage of this profile' using errcode = '42501';
  end if;
  return query
    select g.profile_id, v_month, g.provider, coalesce(g.model_returned, g.model_requested),
           count(*), count(*) filter (where g.status = 'failed'),
           sum(g.input_tokens)::bigint, sum(g.output_tokens)::bigint, sum(g.cached_tokens)::bigint,
           coalesce(sum(g.cost), 0), count(*) filter (where g.cost is null)
      from public.ai_generations g
     where (p_profile_id is null or g.profile_id = p_profile_id)
       and g.created_at >= v_month::timestamp at time zone 'UTC'
       and g.created_at < (v_month + interval '1 month')::timestamp at time zone 'UTC'
     group by g.profile_id, g.provider, coalesce(g.model_returned, g.model_requested)
     order by g.profile_id, 10 desc, 4;
end
$$;
comment on function public.usage_ai_costs(uuid, date) is
  'Per profile and model for the UTC month containing p_month (default now): AI calls, tokens (input/output/cached) and cost from ai_generations. Guard: view right on the profile; all profiles (null) for operators.';
revoke all on function public.usage_ai_costs(uuid, date) from public, anon;
grant execute on function public.usage_ai_costs(uuid, date) to authenticated, service_role;

-- Plans: change and list -------------------------------------------------------------------------

-- change_account_plan: an operator puts an account on a plan. Effective at once: the uploads not
-- folded yet are counted first, the current month's rows of the account's profiles take the new
-- limits, and each profile gets a plan_upgraded or plan_downgraded event (none when the plan is
-- unchanged). An upload still in flight at that moment was admitted under the old plan. Returns
-- {account_id, previous_plan, plan_type, changed}. Guard: service role or admin.
create function public.change_account_plan(p_account_id uuid, p_plan_type text, p_reason text default null)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
  as $$
declare
  v_new      public.subscription_plans;
  v_old      public.subscription_plans;
  v_change   uuid := gen_random_uuid();
  v_profile  uuid;
begin
  if not (public.is_service_role() or public.is_admin()) then
    raise exception 'plans are changed by operators' using errcode = '42501';
  end if;
  if not exists (select 1 from auth.users u where u.id = p_account_id) then
    raise exception 'no account %', p_account_id using errcode = 'P0002';
  end if;
  select * into v_new from public.subscription_plans s where s.plan_type = p_plan_type and s.is_active;
  if not found then
    raise exception 'no active plan named %', coalesce(p_plan_type, 'null') using errcode = '22023';
  end if;
  -- Serialise changes of one account.
  perform pg_advisory_xact_lock(hashtextextended('account_plan:' || p_account_id, 0));
  -- Count the uploads the fold has not reached yet, so that a plan with limits starts from every
  -- upload committed before the change (its uploads are checked against the month row alone).
  perform public.usage_fold_uploads(true);
  select s.* into v_old from public.subscription_plans s
   where s.plan_type = coalesce((select a.plan_type from public.account_plans a where a.account_id = p_account_id),
                                public.usage_default_plan());
  insert into public.account_plans as a (account_id, plan_type, changed_at, changed_by, reason)
  values (p_account_id, v_new.plan_type, now(), auth.uid(), p_reason)
  on conflict (account_id) do update
     set plan_type = excluded.plan_type, changed_at = excluded.changed_at, changed_by = excluded.changed_by,
         reason = excluded.reason;
  if v_old.plan_type = v_new.plan_type then
    return jsonb_build_object('account_id', p_account_id, 'previous_plan', v_old.plan_type,
                              'plan_type', v_new.plan_type, 'changed', false);
  end if;
  update public.user_usage_tracking t
     set plan_type = v_new.plan_type, shell_files_limit = v_new.shell_files_limit, pages_limit = v_new.pages_limit,
         ai_tokens_limit = v_new.ai_tokens_limit, storage_limit_mb = v_new.storage_limit_mb, updated_at = now()
   where t.billing_cycle_start = public.usage_billing_month(now())
     and t.profile_id in (select p.id from public.user_profiles p where p.account_owner_id = p_account_id);
  for v_profile in select p.id from public.user_profiles p where p.account_owner_id = p_account_id loop
    insert into public.usage_events (profile_id, event_type, metrics, idempotency_key, billing_cycle_start)
    values (v_profile,
            case when v_new.sort_order > v_old.sort_order then 'plan_upgraded' else 'plan_downgraded' end,
            jsonb_build_object('previous_plan', v_old.plan_type, 'plan_type', v_new.plan_type,
                               'billed', public.usage_flag('billing', false), 'reason', p_reason),
            'plan:' || v_change || ':' || v_profile, public.usage_billing_month(now()));
  end loop;
  return jsonb_build_object('account_id', p_account_id, 'previous_plan', v_old.plan_type,
                            'plan_type', v_new.plan_type, 'changed', true);
end
$$;
comment on function public.change_account_plan(uuid, text, text) is
  'Operators (service role or admin). Puts the account on an active plan at once: current month rows take the new limits; one plan_upgraded/plan_downgraded event per owned profile. 42501 / P0002 unknown account / 22023 unknown plan.';
revoke all on function public.change_account_plan(uuid, text, text) from public, anon;
grant execute on function public.change_account_plan(uuid, text, text) to authenticated, service_role;

-- Operator reports (service role or admin) -------------------------------------------------------

create function public.usage_require_operator() returns void
  language plpgsql stable
  set search_path = ''
  as $$
begin
  if not (public.is_service_role() or public.is_admin()) then
    raise exception 'usage reports are for operators' using errcode = '42501';
  end if;
end
$$;
comment on function public.usage_require_operator() is 'Raises 42501 unless the caller is the service role or an admin.';
revoke all on function public.usage_require_operator() from public, anon;
grant execute on function public.usage_require_operator() to authenticated, service_role;

-- usage_report_top_users: the month's heaviest profiles by one metric (shell_files, pages,
-- ai_tokens, storage).
create function public.usage_report_top_users(p_month date default null, p_metric text default 'ai_tokens',
                                              p_limit integer default 20)
  returns table (profile_id uuid, account_owner_id uuid, plan_type text, shell_files bigint, pages bigint,
                 ai_tokens bigint, storage_mb numeric, ai_jobs bigint)
  language plpgsql stable
  security definer
  set search_path = ''
  as $$
begin
  perform public.usage_require_operator();
  if p_metric not in ('shell_files', 'pages', 'ai_tokens', 'storage') then
    raise exception 'metric must be shell_files, pages, ai_tokens or storage' using errcode = '22023';
  end if;
  if p_limit is null or p_limit not between 1 and 500 then
    raise exception 'limit must be between 1 and 500' using errcode = '22023';
  end if;
  return query
    select t.profile_id, p.account_owner_id, t.plan_type, t.shell_files_uploaded::bigint,
           t.total_pages_processed::bigint, t.ai_tokens_used, t.storage_used_mb, t.ai_processing_jobs::bigint
      from public.user_usage_tracking t
      join public.user_profiles p on p.id = t.profile_id
     where t.billing_cycle_start = public.usage_billing_month(coalesce(p_month::timestamp at time zone 'UTC', now()))
     order by case p_metric when 'shell_files' then t.shell_files_uploaded::numeric
                            when 'pages' then t.total_pages_processed::numeric
                            when 'ai_tokens' then t.ai_tokens_used::numeric
                            else t.storage_used_bytes::numeric end desc, t.profile_id
     limit p_limit;
end
$$;
comment on function public.usage_report_top_users(date, text, integer) is
  'Operators. The month''s top profiles by shell_files, pages, ai_tokens or storage, with all their counters.';
revoke all on function public.usage_report_top_users(date, text, integer) from public, anon;
grant execute on function public.usage_report_top_users(date, text, integer) to authenticated, service_role;

-- usage_report_by_plan: per plan, the month's active profiles and their summed usage (every plan
-- listed, also with no usage).
create function public.usage_report_by_plan(p_month date default null)
  returns table (plan_type text, accounts bigint, profiles bigint, shell_files bigint, pages bigint,
                 ai_tokens bigint, storage_mb numeric, over_limit_profiles bigint)
  language plpgsql stable
  security definer
  set search_path = ''
  as $$
begin
  perform public.usage_require_operator();
  return query
    select s.plan_type, count(distinct p.account_owner_id), count(t.id),
           coalesce(sum(t.shell_files_uploaded), 0)::bigint, coalesce(sum(t.total_pages_processed), 0)::bigint,
           coalesce(sum(t.ai_tokens_used), 0)::bigint, coalesce(sum(t.storage_used_mb), 0),
           count(t.id) filter (where t.is_over_limit)
      from public.subscription_plans s
      left join public.user_usage_tracking t
        on t.plan_type = s.plan_type
       and t.billing_cycle_start = public.usage_billing_month(coalesce(p_month::timestamp at time zone 'UTC', now()))
      left join public.user_profiles p on p.id = t.profile_id
     group by s.plan_type, s.sort_order
     order by s.sort_order;
end
$$;
comment on function public.usage_report_by_plan(date) is
  'Operators. Per plan: accounts and profiles with usage in the month and their summed counters.';
revoke all on function public.usage_report_by_plan(date) from public, anon;
grant execute on function public.usage_report_by_plan(date) to authenticated, service_role;

-- usage_report_daily: per UTC day in [p_from, p_to], from the ledger: uploads, bytes, pages, AI
-- calls and tokens, and limit events.
create function public.usage_report_daily(p_from date, p_to date)
  returns table (day date, uploads bigint, upload_bytes bigint, pages bigint, ai_calls bigint, ai_tokens bigint,
                 limit_warnings bigint, limits_hit bigint)
  language plpgsql stable
  security definer
  set search_path = ''
  as $$
begin
  perform public.usage_require_operator();
  if p_from is null or p_to is null or p_to < p_from or p_to - p_from > 366 then
    raise exception 'give a range of at most 366 days, from <= to' using errcode = '22023';
  end if;
  return query
    select d::date,
           count(e.id) filter (where e.event_type = 'shell_file_uploaded'),
           coalesce(sum((e.metrics ->> 'file_size_bytes')::bigint) filter (where e.event_type = 'shell_file_uploaded'), 0)::bigint,
           coalesce(sum((e.metrics ->> 'pages')::bigint) filter (where e.event_type = 'shell_file_uploaded'), 0)::bigint,
           count(e.id) filter (where e.event_type = 'ai_processing_completed'),
           coalesce(sum((e.metrics ->> 'tokens')::bigint) filter (where e.event_type = 'ai_processing_completed'), 0)::bigint,
           count(e.id) filter (where e.event_type = 'limit_warning'),
           count(e.id) filter (where e.event_type = 'limit_hit')
      from generate_series(p_from::timestamp, p_to::timestamp, interval '1 day') d
      left join public.usage_events e
        on e.created_at >= d at time zone 'UTC' and e.created_at < (d + interval '1 day') at time zone 'UTC'
     group by d
     order by d;
end
$$;
comment on function public.usage_report_daily(date, date) is
  'Operators. Daily (UTC) trend from usage_events: uploads, bytes, pages, AI calls, tokens, limit warnings and hits.';
revoke all on function public.usage_report_daily(date, date) from public, anon;
grant execute on function public.usage_report_daily(date, date) to authenticated, service_role;

-- usage_report_upgrade_candidates: profiles at p_threshold percent (default 80) or more of some
-- limit this month, one row per limit, highest first.
create function public.usage_report_upgrade_candidates(p_month date default null, p_threshold numeric default 80)
  returns table (profile_id uuid, account_owner_id uuid, plan_type text, limit_name text, used numeric,
                 limit_value numeric, percentage numeric)
  language plpgsql stable
  security definer
  set search_path = ''
  as $$
begin
  perform public.usage_require_operator();
  if p_threshold is null or p_threshold not between 0 and 1000 then
    raise exception 'threshold must be a percentage between 0 and 1000' using errcode = '22023';
  end if;
  return query
    select t.profile_id, p.account_owner_id, t.plan_type, m.name, m.used, m.lim, round(m.used * 100 / m.lim, 1)
      from public.user_usage_tracking t
      join public.user_profiles p on p.id = t.profile_id
      cross join lateral (values
        ('shell_files', t.shell_files_uploaded::numeric, t.shell_files_limit::numeric),
        ('pages', t.total_pages_processed::numeric, t.pages_limit::numeric),
        ('ai_tokens', t.ai_tokens_used::numeric, t.ai_tokens_limit::numeric),
        ('storage_mb', t.storage_used_mb, t.storage_limit_mb::numeric)) m(name, used, lim)
     where t.billing_cycle_start = public.usage_billing_month(coalesce(p_month::timestamp at time zone 'UTC', now()))
       and m.lim is not null and m.lim > 0 and m.used * 100 >= m.lim * p_threshold
     order by 7 desc, t.profile_id, m.name;
end
$$;
comment on function public.usage_report_upgrade_candidates(date, numeric) is
  'Operators. Profiles at p_threshold% (default 80) or more of a limit in the month: one row per limit reached.';
revoke all on function public.usage_report_upgrade_candidates(date, numeric) from public, anon;
grant execute on function public.usage_report_upgrade_candidates(date, numeric) to authenticated, service_role;
