-- The shared AI rate limiter (the original's 08 job coordination: api_rate_limits,
-- acquire_api_capacity, release_api_capacity), rebuilt so that it holds across every worker on
-- every machine, never leaks a concurrency slot, and never lets a burst through a window edge.
--
-- * api_rate_limits keeps the original's columns (limits, current_* counters, reset times,
--   backpressure settings, status, violations) and adds the limiter's state: a vendor pause, the
--   limits the vendor reported, and the mean lease hold time.
-- * api_rate_slots holds sliding-window usage: slots of a tenth of a second for the minute limits
--   and 1-minute slots for the hour limits. A slot counts while any part of it lies in the window
--   (so a window sums 60.1 seconds or 61 minutes of slots): the limits hold in every window,
--   however aligned, and capacity comes back slot by slot instead of all at once when a fixed
--   window resets (defect of the original: twice the limit across a minute boundary, and hour
--   limits never checked).
-- * api_leases holds the granted calls. A lease reserves the estimated tokens and one concurrency
--   slot; release reconciles the reservation to the actual tokens (refund or debt) and moves the
--   call to the slots of its answer, which no vendor admission can be later than. A lease taken for a job attempt lives
--   only while that attempt is processing and heart-beating (the queue's own rescue rule), so a
--   worker killed with SIGKILL gives its slots back within worker.timeout_seconds; a lease without
--   a job (the original's boolean wrappers) lives at most ratelimit.lease_ttl_seconds.
--
-- Serialisation: acquire and release lock the (provider, endpoint) row of api_rate_limits, so the
-- read of the windows and the booking of a grant are one step for every caller on every
-- connection. They run in short transactions of their own (never inside a job's transaction,
-- which would hold the lock for the whole call), and read time with clock_timestamp() after the
-- lock: now() is the transaction's start and would be stale after waiting for the lock.
--
-- Privileges: the limiter's RPCs run as the caller and are executable by service_role only (as
-- the queue's are); the operators' get/put and the enqueue backpressure hook are SECURITY DEFINER,
-- guarded, with search_path pinned. The tables are closed to every API role but service_role.

insert into public.system_configuration (config_key, config_value, description) values
  ('ratelimit.lease_ttl_seconds', '300',
   'A lease taken without a job (acquire_api_capacity) is released after this long if nobody releases it.');

-- The providers Exora can call over the network (the local provider needs no limit).
create function public.api_rate_limit_providers() returns text[]
  language sql immutable
  set search_path = ''
  as $$ select array['openai', 'anthropic', 'google'] $$;
comment on function public.api_rate_limit_providers() is
  'The provider names api_rate_limits accepts: openai, anthropic, google.';

create table public.api_rate_limits (
  id                          uuid        primary key default gen_random_uuid(),
  provider_name               text        not null check (provider_name in ('openai', 'anthropic', 'google')),
  -- A model ("gpt-4o-mini"), an endpoint ("vision-api"), or '*' for any model of the provider
  -- without a row of its own.
  api_endpoint                text        not null check (length(api_endpoint) between 1 and 200),
  -- Limits; null means no limit of that kind.
  requests_per_minute         integer     check (requests_per_minute > 0),
  requests_per_hour           integer     check (requests_per_hour > 0),
  tokens_per_minute           bigint      check (tokens_per_minute > 0),
  tokens_per_hour             bigint      check (tokens_per_hour > 0),
  concurrent_requests         integer     check (concurrent_requests > 0),
  -- The original's counters, kept as a snapshot written by each grant and release (the truth is
  -- in api_rate_slots and api_leases; these are for readers written against the original).
  current_requests_minute     integer     not null default 0 check (current_requests_minute >= 0),
  current_requests_hour       integer     not null default 0 check (current_requests_hour >= 0),
  current_tokens_minute       bigint      not null default 0,
  current_tokens_hour         bigint      not null default 0,
  active_requests             integer     not null default 0 check (active_requests >= 0),
  -- When the oldest slot counted in each window leaves it.
  minute_reset_at             timestamptz not null default now(),
  hour_reset_at               timestamptz not null default now(),
  backpressure_threshold      numeric(3,2) not null default 0.8 check (backpressure_threshold > 0 and backpressure_threshold <= 1),
  -- How long a 429/529 without retry-after pauses the pair, and how long 'maintenance' defers.
  backpressure_delay_seconds  integer     not null default 5 check (backpressure_delay_seconds between 1 and 3600),
  queue_depth_limit           integer     not null default 1000 check (queue_depth_limit > 0),
  -- active: limited; maintenance and disabled: every acquire waits backpressure_delay_seconds.
  status                      text        not null default 'active' check (status in ('active', 'disabled', 'maintenance')),
  last_rate_limit_hit         timestamptz,
  rate_limit_violations       integer     not null default 0 check (rate_limit_violations >= 0),
  -- Limiter state.
  paused_until                timestamptz,
  vendor_requests_per_minute  integer     check (vendor_requests_per_minute > 0),
  vendor_tokens_per_minute    bigint      check (vendor_tokens_per_minute > 0),
  vendor_observed_at          timestamptz,
  mean_lease_seconds          double precision not null default 1 check (mean_lease_seconds >= 0),
  created_at                  timestamptz not null default now(),
  updated_at                  timestamptz not null default now(),
  unique (provider_name, api_endpoint),
  constraint api_rate_limits_some_limit check (num_nonnulls(requests_per_minute, requests_per_hour,
    tokens_per_minute, tokens_per_hour, concurrent_requests) > 0)
);
comment on table public.api_rate_limits is
  'Limits per (provider, model or endpoint) and the shared limiter''s state; see V080__api_rate_limits.sql.';

-- Sliding-window usage. width 'tenth' slots (a tenth of a second) feed the minute limits, 'minute'
-- slots the hour limits. Tenths rather than seconds: capacity comes back to the limiter when the
-- slot a call was counted in has wholly left the window, so the slot's width is lag on every call
-- (half a second on average with 1 s slots, 1% of a minute); a window holds at most 601 of them.
create table public.api_rate_slots (
  limit_id    uuid        not null references public.api_rate_limits (id) on delete cascade,
  width       text        not null check (width in ('tenth', 'minute')),
  slot_start  timestamptz not null,
  requests    integer     not null default 0 check (requests >= 0),
  tokens      bigint      not null default 0 check (tokens >= 0),
  primary key (limit_id, width, slot_start)
);
comment on table public.api_rate_slots is
  'Requests and tokens granted per slot of a tenth of a second (minute limits) and of a minute (hour limits); a slot counts while any part of it is in the window.';

-- api_rate_slot_start(width, at): the start of the slot of that width holding the moment at.
create function public.api_rate_slot_start(p_width text, p_at timestamptz) returns timestamptz
  language sql immutable
  set search_path = ''
  as $$
    select case p_width when 'tenth' then pg_catalog.date_bin('100 milliseconds', p_at, timestamptz '2000-01-01 00:00:00+00')
                        else pg_catalog.date_trunc('minute', p_at) end
  $$;
comment on function public.api_rate_slot_start(text, timestamptz) is
  'The start of the api_rate_slots slot of width tenth (100 ms) or minute that holds p_at.';

-- api_rate_window_span(width): how long a slot of that width counts after its start: the window
-- plus the slot (any part of it in the window counts).
create function public.api_rate_window_span(p_width text) returns interval
  language sql immutable
  set search_path = ''
  as $$ select case p_width when 'tenth' then interval '60.1 seconds' else interval '61 minutes' end $$;
comment on function public.api_rate_window_span(text) is
  'How long an api_rate_slots slot counts from its start: 60.1 s for tenth slots, 61 min for minute slots.';

create table public.api_leases (
  id               uuid        primary key default gen_random_uuid(),
  limit_id         uuid        not null references public.api_rate_limits (id) on delete cascade,
  -- The job attempt that holds the lease; all null for a lease of acquire_api_capacity.
  job_id           uuid,
  worker_id        text,
  attempt          integer     check (attempt >= 1),
  reserved_tokens  bigint      not null check (reserved_tokens >= 0),
  granted_at       timestamptz not null,
  -- Only for leases without a job; a job's lease ends with its attempt.
  expires_at       timestamptz,
  -- Set when the lease stopped counting without a release (its attempt ended); a late release still
  -- reconciles its tokens.
  expired_at       timestamptz,
  constraint api_leases_job_or_ttl check ((job_id is null) = (attempt is null) and (job_id is not null or expires_at is not null))
);
comment on table public.api_leases is
  'Granted calls in flight: one concurrency slot each and the tokens reserved for them. Deleted on release.';
create index api_leases_live on public.api_leases (limit_id, granted_at) where expired_at is null;
create index api_leases_expired on public.api_leases (expired_at) where expired_at is not null;

-- The line of jobs waiting for a pair, so that each waiter is told its own moment instead of the
-- whole line being told the same one (the herd that came back together, and mostly went away
-- again: 4.5 deferrals per grant). A waiter keeps its place (queued_at) from its first refusal to
-- its grant; the tokens and calls of the waiters ahead of it count as its own when its moment is
-- computed, and the share of a waiter whose moment has just come is held for it for a second
-- against everyone behind. A waiter that does not come back within 5 s of its moment loses its
-- place (its job ended, or its worker died).
create table public.api_rate_waiters (
  limit_id   uuid        not null references public.api_rate_limits (id) on delete cascade,
  job_id     uuid        not null,
  tokens     bigint      not null check (tokens >= 0),
  queued_at  timestamptz not null,
  due_at     timestamptz not null,
  primary key (limit_id, job_id)
);
comment on table public.api_rate_waiters is
  'Jobs refused by a pair, in the order of their first refusal, with the moment each was told; deleted at the grant.';
create index api_rate_waiters_line on public.api_rate_waiters (limit_id, queued_at);

alter table public.api_rate_limits enable row level security;
alter table public.api_rate_slots enable row level security;
alter table public.api_leases enable row level security;
alter table public.api_rate_waiters enable row level security;
revoke all on table public.api_rate_limits, public.api_rate_slots, public.api_leases, public.api_rate_waiters
  from public, anon, authenticated;
grant all on table public.api_rate_limits, public.api_rate_slots, public.api_leases, public.api_rate_waiters
  to service_role;

-- The original's seed rows, under Exora's provider names.
insert into public.api_rate_limits (provider_name, api_endpoint, requests_per_minute, tokens_per_minute,
                                    concurrent_requests) values
  ('openai', 'gpt-4o-mini', 500, 200000, 50),
  ('openai', 'gpt-4-vision', 100, 20000, 20),
  ('google', 'vision-api', 1800, null, 100),
  ('anthropic', 'claude-3', 400, 100000, 25);

-- api_rate_limit_for(provider, model): the row that limits a call, the model's own or the
-- provider's '*' row; null when neither exists (the call is not limited).
create function public.api_rate_limit_for(p_provider text, p_model text) returns uuid
  language sql stable
  set search_path = ''
  as $$
    select l.id from public.api_rate_limits l
     where l.provider_name = p_provider and l.api_endpoint in (p_model, '*')
     order by l.api_endpoint = p_model desc
     limit 1
  $$;
comment on function public.api_rate_limit_for(text, text) is
  'The api_rate_limits row for a provider and model: the model''s own, else the provider''s ''*'' row, else null.';

-- api_lease_is_live(lease): a job's lease counts while its attempt is processing and its last
-- heartbeat is within worker.timeout_seconds (the rule by which the queue rescues the job); a lease
-- without a job counts until its expires_at.
create function public.api_lease_is_live(p_lease public.api_leases, p_now timestamptz) returns boolean
  language sql stable
  set search_path = ''
  as $$
    select p_lease.expired_at is null and case
      when p_lease.job_id is null then p_lease.expires_at > p_now
      else exists (select 1 from public.job_queue q
                    where q.id = p_lease.job_id and q.status = 'processing' and q.attempt = p_lease.attempt
                      and q.heartbeat_at >= p_now - make_interval(secs => public.queue_setting('worker.timeout_seconds', 60)))
    end
  $$;
comment on function public.api_lease_is_live(public.api_leases, timestamptz) is
  'True while a lease holds its slot: its job attempt is processing and heart-beating, or (no job) before expires_at.';

-- api_window_free_at(limit, width, need, of_tokens): when at least `need` requests (or tokens)
-- will have left the window, oldest slots first: the start of the slot that frees enough, plus the
-- window and one slot (api_rate_window_span). Null when the window does not hold that much.
create function public.api_window_free_at(p_limit_id uuid, p_width text, p_need numeric, p_tokens boolean,
                                          p_now timestamptz)
  returns timestamptz
  language sql stable
  set search_path = ''
  as $$
    select w.slot_start + public.api_rate_window_span(p_width)
      from (select s.slot_start,
                   sum(case when p_tokens then s.tokens else s.requests end) over (order by s.slot_start) as freed
              from public.api_rate_slots s
             where s.limit_id = p_limit_id and s.width = p_width
               and s.slot_start > p_now - public.api_rate_window_span(p_width)) w
     where w.freed >= p_need
     order by w.slot_start
     limit 1
  $$;
comment on function public.api_window_free_at(uuid, text, numeric, boolean, timestamptz) is
  'When enough of a sliding window''s usage will have aged out to free p_need requests or tokens; null if it never will.';

-- api_rate_limit_check(limit, tokens, now, requests, first in line): what stands between
-- p_requests calls needing p_tokens in all and their grant (one call, or one call and the waiters
-- ahead of it in line). Returns the usage it read and, when a limit binds, which one and until
-- when (the latest of the binding limits' times, since all must be free). Reads without locking:
-- acquire calls it under the row lock; the enqueue hook calls it for a forecast. For the first in
-- line, a token limit that binds while leases are in flight says to look again when the next of
-- them is expected back, because its release may refund most of its reservation long before the
-- window frees it; a waiter further back is told when the window frees enough for everyone ahead
-- of it too (sending the whole line back at every release is what made each grant cost 4.5
-- deferrals).
create function public.api_rate_limit_check(p_limit public.api_rate_limits, p_tokens bigint, p_now timestamptz,
  p_requests integer default 1, p_first_in_line boolean default true,
  out requests_minute bigint, out tokens_minute bigint, out requests_hour bigint, out tokens_hour bigint,
  out active integer, out retry_at timestamptz, out binding text)
  language plpgsql stable
  set search_path = ''
  as $$
declare
  v_rpm bigint := least(p_limit.requests_per_minute, p_limit.vendor_requests_per_minute);
  v_tpm bigint := least(p_limit.tokens_per_minute, p_limit.vendor_tokens_per_minute);
  v_next_release timestamptz;
  v_at timestamptz;
  v_window text;
begin
  select coalesce(sum(s.requests), 0), coalesce(sum(s.tokens), 0) into requests_minute, tokens_minute
    from public.api_rate_slots s
   where s.limit_id = p_limit.id and s.width = 'tenth' and s.slot_start > p_now - public.api_rate_window_span('tenth');
  select coalesce(sum(s.requests), 0), coalesce(sum(s.tokens), 0) into requests_hour, tokens_hour
    from public.api_rate_slots s
   where s.limit_id = p_limit.id and s.width = 'minute' and s.slot_start > p_now - public.api_rate_window_span('minute');
  select count(*), min(l.granted_at) + make_interval(secs => p_limit.mean_lease_seconds)
    into active, v_next_release
    from public.api_leases l
   where l.limit_id = p_limit.id and public.api_lease_is_live(l, p_now);
  v_next_release := greatest(coalesce(v_next_release, p_now), p_now + interval '50 milliseconds');

  if p_limit.status <> 'active' then
    retry_at := p_now + make_interval(secs => p_limit.backpressure_delay_seconds);
    binding := 'status_' || p_limit.status;
  end if;
  if p_limit.paused_until > p_now and (retry_at is null or p_limit.paused_until > retry_at) then
    retry_at := p_limit.paused_until;
    binding := 'vendor_pause';
  end if;
  if p_limit.concurrent_requests is not null and active + p_requests > p_limit.concurrent_requests then
    -- the releases needed after the next come about mean_lease_seconds / concurrent_requests apart
    v_at := v_next_release + make_interval(secs => p_limit.mean_lease_seconds
              * (active + p_requests - p_limit.concurrent_requests - 1) / p_limit.concurrent_requests);
    if retry_at is null or v_at > retry_at then
      retry_at := v_at;
      binding := 'concurrent_requests';
    end if;
  end if;
  -- The four windows: each that the asked calls would overrun frees at the moment its oldest
  -- slots have aged out enough; the latest of those (first listed on a tie) binds.
  select w.name, w.free_at into v_window, v_at
    from (select b.name, b.rank,
                 case when b.is_tokens and active > 0 and p_first_in_line then least(b.window_free_at, v_next_release)
                      else b.window_free_at end as free_at
            from (select c.name, c.rank, c.is_tokens,
                         coalesce(public.api_window_free_at(p_limit.id, c.width, c.used + c.asked - c.lim, c.is_tokens, p_now),
                                  p_now + public.api_rate_window_span(c.width)) as window_free_at
                    from (values ('requests_per_minute', 1, 'tenth', requests_minute, p_requests::bigint, v_rpm, false),
                                 ('requests_per_hour', 2, 'minute', requests_hour, p_requests::bigint,
                                  p_limit.requests_per_hour, false),
                                 ('tokens_per_minute', 3, 'tenth', tokens_minute, p_tokens, v_tpm, true),
                                 ('tokens_per_hour', 4, 'minute', tokens_hour, p_tokens, p_limit.tokens_per_hour, true))
                         c(name, rank, width, used, asked, lim, is_tokens)
                   where c.lim is not null and c.used + c.asked > c.lim) b) w
   order by w.free_at desc, w.rank
   limit 1;
  if v_at is not null and (retry_at is null or v_at > retry_at) then
    retry_at := v_at;
    binding := v_window;
  end if;
end
$$;
comment on function public.api_rate_limit_check(public.api_rate_limits, bigint, timestamptz, integer, boolean) is
  'Window usage and live leases of a limit, and (when a limit binds for p_requests calls of p_tokens in all) which one and until when; only the first in line is told to look again at the next expected release. Takes no lock.';

-- acquire_api_lease: ask for one call of p_provider/p_model reserving p_estimated_tokens.
--   granted  lease_id names the lease to release (null when the pair has no limit configured);
--   wait     retry_at says when to ask again (database clock; retry_after_ms is the same as a
--            delay) and binding names the limit: the caller reschedules, it does not spin;
--   job_lost the job attempt is no longer current: the caller abandons the call.
-- 22023 for a negative estimate, an unknown provider, or an estimate larger than a token limit
-- (it could never be granted).
create function public.acquire_api_lease(p_provider text, p_model text, p_estimated_tokens bigint,
                                         p_job_id uuid default null, p_worker_id text default null,
                                         p_attempt integer default null)
  returns table (outcome text, lease_id uuid, retry_at timestamptz, retry_after_ms bigint, binding text)
  language plpgsql
  set search_path = ''
  as $$
#variable_conflict use_variable
declare
  v_limit public.api_rate_limits;
  v_now timestamptz;
  v_check record;
  v_later record;
  v_lease uuid;
  v_queued_at timestamptz;
  v_due_tokens bigint := 0;
  v_due_calls integer := 0;
  v_ahead_tokens bigint := 0;
  v_ahead_calls integer := 0;
begin
  if p_provider is null or not (p_provider = any (public.api_rate_limit_providers())) then
    raise exception 'unknown provider: % (known: openai, anthropic, google)', coalesce(p_provider, 'null')
      using errcode = '22023';
  end if;
  if p_estimated_tokens is null or p_estimated_tokens < 0 then
    raise exception 'estimated tokens must be zero or more, got %', p_estimated_tokens using errcode = '22023';
  end if;
  if (p_job_id is null) <> (p_attempt is null) then
    raise exception 'a job lease names both the job and its attempt' using errcode = '22023';
  end if;
  if p_job_id is not null and not exists (
       select 1 from public.job_queue q
        where q.id = p_job_id and q.status = 'processing' and q.attempt = p_attempt
          and (p_worker_id is null or q.worker_id = p_worker_id)) then
    return query select 'job_lost'::text, null::uuid, null::timestamptz, null::bigint, null::text;
    return;
  end if;

  select * into v_limit from public.api_rate_limits l
   where l.id = public.api_rate_limit_for(p_provider, p_model)
     for update;
  if not found then
    return query select 'granted'::text, null::uuid, null::timestamptz, null::bigint, 'unlimited'::text;
    return;
  end if;
  v_now := clock_timestamp();
  if p_estimated_tokens > least(v_limit.tokens_per_minute, v_limit.tokens_per_hour, v_limit.vendor_tokens_per_minute) then
    raise exception 'estimated tokens % exceed the token limit of %/% (%), so the call could never be granted',
      p_estimated_tokens, p_provider, v_limit.api_endpoint,
      least(v_limit.tokens_per_minute, v_limit.tokens_per_hour, v_limit.vendor_tokens_per_minute)
      using errcode = '22023';
  end if;

  -- Leases whose attempt ended (a SIGKILLed worker's) stop counting; their tokens stay booked.
  update public.api_leases l set expired_at = v_now
   where l.limit_id = v_limit.id and l.expired_at is null and not public.api_lease_is_live(l, v_now);
  -- Slots older than any window (kept 70 s: observe compares over that long), and expired
  -- leases nobody came back for.
  delete from public.api_rate_slots s
   where s.limit_id = v_limit.id
     and ((s.width = 'tenth' and s.slot_start <= v_now - interval '71 seconds')
       or (s.width = 'minute' and s.slot_start <= v_now - interval '62 minutes'));
  delete from public.api_leases l where l.limit_id = v_limit.id and l.expired_at < v_now - interval '1 hour';

  -- The line: waiters that missed their moment by more than 5 s lose their place (their job
  -- ended, or its worker died); the ones ahead of this caller (all of them for a caller not in
  -- line, a jobless lease included) are what it waits behind, and those whose moment came within
  -- the last second hold their share against it. Only for a second: a waiter slowed down longer
  -- than that (a loaded machine) would otherwise keep freed capacity idle for everyone.
  delete from public.api_rate_waiters w
   where w.limit_id = v_limit.id and w.due_at < v_now - interval '5 seconds';
  if p_job_id is not null then
    select w.queued_at into v_queued_at from public.api_rate_waiters w
     where w.limit_id = v_limit.id and w.job_id = p_job_id;
  end if;
  select coalesce(sum(w.tokens), 0), count(*),
         coalesce(sum(w.tokens) filter (where w.due_at <= v_now and w.due_at > v_now - interval '1 second'), 0),
         count(*) filter (where w.due_at <= v_now and w.due_at > v_now - interval '1 second')
    into v_ahead_tokens, v_ahead_calls, v_due_tokens, v_due_calls
    from public.api_rate_waiters w
   where w.limit_id = v_limit.id and w.job_id is distinct from p_job_id
     and (v_queued_at is null or w.queued_at < v_queued_at);

  select * into v_check
    from public.api_rate_limit_check(v_limit, p_estimated_tokens + v_due_tokens, v_now, 1 + v_due_calls, true);
  if v_check.binding is not null then
    if v_ahead_calls > 0 then
      -- behind others: when the windows free enough for them and this call together
      select * into v_later
        from public.api_rate_limit_check(v_limit, p_estimated_tokens + v_ahead_tokens, v_now, 1 + v_ahead_calls, false);
      if v_later.binding is not null and v_later.retry_at > v_check.retry_at then
        v_check.retry_at := v_later.retry_at;
        v_check.binding := v_later.binding;
      end if;
    end if;
    if p_job_id is not null then
      insert into public.api_rate_waiters as w (limit_id, job_id, tokens, queued_at, due_at)
      values (v_limit.id, p_job_id, p_estimated_tokens, v_now, v_check.retry_at)
      on conflict (limit_id, job_id) do update set tokens = excluded.tokens, due_at = excluded.due_at;
    end if;
    return query select 'wait'::text, null::uuid, v_check.retry_at,
                        ceil(extract(epoch from (v_check.retry_at - v_now)) * 1000)::bigint, v_check.binding;
    return;
  end if;
  if v_queued_at is not null then
    delete from public.api_rate_waiters w where w.limit_id = v_limit.id and w.job_id = p_job_id;
  end if;

  insert into public.api_leases (limit_id, job_id, worker_id, attempt, reserved_tokens, granted_at, expires_at)
  values (v_limit.id, p_job_id, p_worker_id, p_attempt, p_estimated_tokens, v_now,
          case when p_job_id is null
               then v_now + make_interval(secs => public.queue_setting('ratelimit.lease_ttl_seconds', 300)) end)
  returning id into v_lease;
  insert into public.api_rate_slots as s (limit_id, width, slot_start, requests, tokens)
  values (v_limit.id, 'tenth', public.api_rate_slot_start('tenth', v_now), 1, p_estimated_tokens),
         (v_limit.id, 'minute', public.api_rate_slot_start('minute', v_now), 1, p_estimated_tokens)
  on conflict (limit_id, width, slot_start)
    do update set requests = s.requests + 1, tokens = s.tokens + excluded.tokens;
  update public.api_rate_limits l
     set current_requests_minute = v_check.requests_minute + 1,
         current_requests_hour   = v_check.requests_hour + 1,
         current_tokens_minute   = v_check.tokens_minute + p_estimated_tokens,
         current_tokens_hour     = v_check.tokens_hour + p_estimated_tokens,
         active_requests         = v_check.active + 1,
         minute_reset_at = coalesce((select min(s.slot_start) + public.api_rate_window_span('tenth') from public.api_rate_slots s
                                      where s.limit_id = l.id and s.width = 'tenth'), v_now),
         hour_reset_at   = coalesce((select min(s.slot_start) + public.api_rate_window_span('minute') from public.api_rate_slots s
                                      where s.limit_id = l.id and s.width = 'minute'), v_now),
         updated_at = v_now
   where l.id = v_limit.id;
  return query select 'granted'::text, v_lease, null::timestamptz, null::bigint, null::text;
end
$$;
comment on function public.acquire_api_lease(text, text, bigint, uuid, text, integer) is
  'Grants a lease (reserving estimated tokens and one concurrency slot) or says when to come back (wait, retry_at, binding limit) or that the job attempt is gone (job_lost). 22023 for a bad provider or estimate.';

-- release_api_lease: give the lease's slot back and reconcile its tokens to p_actual_tokens (null:
-- keep the reservation). The call moves from the slots of its grant to the slots of the moment its
-- answer came back, with its actual tokens: the difference is a refund when the call used less, a
-- debt when it used more. The vendor counted the call when it arrived, which is after the grant
-- and before the answer, so a call counted from its answer never leaves the limiter's window
-- before it leaves the vendor's; counted from the grant, a worker that stalled for a second
-- between grant and send could let the window free early.
-- p_answered_ms_ago says how long before this call the worker received the vendor's answer (its
-- own monotonic clock: a duration, so clocks need not agree), taken from the start of this call,
-- before the lock wait; null means now (the answer time is unknown, or there was no answer). Counting from the answer rather than from the release matters
-- when releases queue behind other acquirers for the pair's lock: every second a release waits
-- would keep the call in the window a second longer than the vendor keeps it (the benchmark saw
-- 6 s behind a burst of acquires), and that capacity stands idle. The moment is never put before
-- the grant.
-- True when this call released the lease; false when it was already released (a second release
-- changes nothing).
create function public.release_api_lease(p_lease_id uuid, p_actual_tokens bigint default null,
                                          p_answered_ms_ago bigint default null)
  returns boolean
  language plpgsql
  set search_path = ''
  as $$
declare
  v_lease public.api_leases;
  v_delta bigint;
  v_now timestamptz;
  -- taken before the lock: the answer's age was measured when this call was made, not after the wait
  v_called_at timestamptz := clock_timestamp();
  v_answered_at timestamptz;
begin
  if p_actual_tokens < 0 then
    raise exception 'actual tokens must be zero or more, got %', p_actual_tokens using errcode = '22023';
  end if;
  if p_answered_ms_ago < 0 then
    raise exception 'the answer cannot come after the release (answered % ms ago)', p_answered_ms_ago
      using errcode = '22023';
  end if;
  select * into v_lease from public.api_leases l where l.id = p_lease_id;
  if not found then
    return false;
  end if;
  -- Lock order as in acquire: the limit row first, then the lease.
  perform 1 from public.api_rate_limits l where l.id = v_lease.limit_id for update;
  delete from public.api_leases l where l.id = p_lease_id returning * into v_lease;
  if not found then
    return false;
  end if;
  v_now := clock_timestamp();
  v_answered_at := case when p_answered_ms_ago is null then v_now
                        else greatest(v_lease.granted_at, v_called_at - make_interval(secs => p_answered_ms_ago / 1000.0)) end;
  v_delta := coalesce(p_actual_tokens, v_lease.reserved_tokens) - v_lease.reserved_tokens;
  -- Out of the grant's slots (never below zero: a slot that already left every window and was
  -- pruned is not recreated)...
  update public.api_rate_slots s
     set requests = greatest(s.requests - 1, 0), tokens = greatest(s.tokens - v_lease.reserved_tokens, 0)
   where s.limit_id = v_lease.limit_id
     and ((s.width = 'tenth' and s.slot_start = public.api_rate_slot_start('tenth', v_lease.granted_at))
       or (s.width = 'minute' and s.slot_start = public.api_rate_slot_start('minute', v_lease.granted_at)));
  -- ...into the answer's, with what the call really used.
  insert into public.api_rate_slots as s (limit_id, width, slot_start, requests, tokens)
  values (v_lease.limit_id, 'tenth', public.api_rate_slot_start('tenth', v_answered_at), 1,
          v_lease.reserved_tokens + v_delta),
         (v_lease.limit_id, 'minute', public.api_rate_slot_start('minute', v_answered_at), 1,
          v_lease.reserved_tokens + v_delta)
  on conflict (limit_id, width, slot_start)
    do update set requests = s.requests + 1, tokens = s.tokens + excluded.tokens;
  update public.api_rate_limits l
     set active_requests = greatest(l.active_requests - case when v_lease.expired_at is null then 1 else 0 end, 0),
         current_tokens_minute = greatest(l.current_tokens_minute + v_delta, 0),
         current_tokens_hour = greatest(l.current_tokens_hour + v_delta, 0),
         -- how long calls hold their slot: a moving mean, for the concurrency wait forecast
         mean_lease_seconds = 0.8 * l.mean_lease_seconds
                              + 0.2 * least(extract(epoch from (v_now - v_lease.granted_at)), 600),
         updated_at = v_now
   where l.id = v_lease.limit_id;
  return true;
end
$$;
comment on function public.release_api_lease(uuid, bigint, bigint) is
  'Releases a lease and reconciles its reserved tokens to the actual count, moving the call from its grant''s slots to those of its answer (p_answered_ms_ago before now, never before the grant; null: now), as a refund or a debt. False if already released. 22023 for negative tokens or a negative answer age.';

-- observe_api_rate_limit: what a vendor's response said, applied to the shared state.
-- * 429 or 529: the pair pauses until p_retry_at (or backpressure_delay_seconds from now) and the
--   violation is counted.
-- * A limit lower than the configured one is adopted for the minute window.
-- * A remaining count lower than the limiter's own view means usage it does not know of (another
--   client of the same key, or a window the vendor counts differently): the difference is booked
--   in the slot of the answer, so it ages out of the minute window like any other usage. The
--   header was written when the vendor admitted the call, up to a call's length before the answer,
--   and usage has left the limiter's window since: so the vendor's count is compared with the
--   limiter's usage over the 70 s before the answer, not the 60.1 s before now, and only what is
--   left over is booked. The answer is p_answered_ms_ago before this call (the worker's monotonic
--   clock), or, without it, this call's start, before it waits for the pair's lock. (Comparing
--   with the current window booked every second of aging as phantom usage and held the limiter
--   far below its limit; so did a comparison from after the lock wait, or from a worker that read
--   the answer late: on a loaded machine the limiter counted 50,000 tokens/min more than the
--   vendor for a whole minute.)
-- Returns 'applied', or 'no_limit' when the pair has no limit configured (nothing to tighten;
-- never an error, since any vendor response may carry headers).
create function public.observe_api_rate_limit(p_provider text, p_model text, p_status integer,
    p_requests_limit bigint default null, p_requests_remaining bigint default null,
    p_tokens_limit bigint default null, p_tokens_remaining bigint default null,
    p_retry_at timestamptz default null, p_answered_ms_ago bigint default null)
  returns text
  language plpgsql
  set search_path = ''
  as $$
declare
  v_limit public.api_rate_limits;
  v_now timestamptz;
  -- taken before the lock: the signal describes the vendor at the answer, not after the wait
  v_answered_at timestamptz := clock_timestamp() - make_interval(secs => greatest(coalesce(p_answered_ms_ago, 0), 0) / 1000.0);
  v_check record;
  v_extra_requests bigint := 0;
  v_extra_tokens bigint := 0;
begin
  select * into v_limit from public.api_rate_limits l
   where l.id = public.api_rate_limit_for(p_provider, p_model)
     for update;
  if not found then
    return 'no_limit';
  end if;
  v_now := clock_timestamp();
  if p_status in (429, 529) then
    update public.api_rate_limits l
       set paused_until = greatest(l.paused_until,
                                   coalesce(p_retry_at, v_now + make_interval(secs => l.backpressure_delay_seconds))),
           rate_limit_violations = l.rate_limit_violations + 1,
           last_rate_limit_hit = v_now,
           updated_at = v_now
     where l.id = v_limit.id;
  end if;
  if p_requests_limit > 0 and p_requests_limit < coalesce(v_limit.requests_per_minute, p_requests_limit + 1) then
    update public.api_rate_limits l set vendor_requests_per_minute = p_requests_limit, vendor_observed_at = v_now
     where l.id = v_limit.id;
    v_limit.vendor_requests_per_minute := p_requests_limit;
  end if;
  if p_tokens_limit > 0 and p_tokens_limit < coalesce(v_limit.tokens_per_minute, p_tokens_limit + 1) then
    update public.api_rate_limits l set vendor_tokens_per_minute = p_tokens_limit, vendor_observed_at = v_now
     where l.id = v_limit.id;
    v_limit.vendor_tokens_per_minute := p_tokens_limit;
  end if;
  if p_requests_remaining is not null or p_tokens_remaining is not null then
    select coalesce(sum(s.requests), 0) as requests, coalesce(sum(s.tokens), 0) as tokens into v_check
      from public.api_rate_slots s
     where s.limit_id = v_limit.id and s.width = 'tenth' and s.slot_start > v_answered_at - interval '70 seconds';
    if p_requests_remaining >= 0 then
      v_extra_requests := greatest(coalesce(least(v_limit.requests_per_minute, v_limit.vendor_requests_per_minute),
                                            p_requests_limit, 0)
                                   - v_check.requests - p_requests_remaining, 0);
    end if;
    if p_tokens_remaining >= 0 then
      v_extra_tokens := greatest(coalesce(least(v_limit.tokens_per_minute, v_limit.vendor_tokens_per_minute),
                                          p_tokens_limit, 0)
                                 - v_check.tokens - p_tokens_remaining, 0);
    end if;
    if v_extra_requests > 0 or v_extra_tokens > 0 then
      insert into public.api_rate_slots as s (limit_id, width, slot_start, requests, tokens)
      values (v_limit.id, 'tenth', public.api_rate_slot_start('tenth', v_answered_at), v_extra_requests, v_extra_tokens)
      on conflict (limit_id, width, slot_start)
        do update set requests = s.requests + excluded.requests, tokens = s.tokens + excluded.tokens;
      update public.api_rate_limits l set vendor_observed_at = v_now where l.id = v_limit.id;
    end if;
  end if;
  return 'applied';
end
$$;
comment on function public.observe_api_rate_limit(text, text, integer, bigint, bigint, bigint, bigint, timestamptz, bigint) is
  'Applies a vendor response''s limit signal: 429/529 pause the pair (retry-after or backpressure_delay_seconds) and count a violation; lower limits and remaining counts (compared with the limiter''s usage before the answer, p_answered_ms_ago before now or this call''s start) tighten the shared minute window. Returns applied or no_limit.';

-- acquire_api_capacity: the original's boolean acquire, as a wrapper. A true takes a lease
-- without a job, which release_api_capacity returns (or which expires after
-- ratelimit.lease_ttl_seconds). False when any limit binds; the original gave no time to wait,
-- acquire_api_lease does.
create function public.acquire_api_capacity(p_provider_name text, p_api_endpoint text,
                                            p_estimated_tokens integer default 1000)
  returns boolean
  language sql
  set search_path = ''
  as $$
    select a.outcome = 'granted'
      from public.acquire_api_lease(p_provider_name, p_api_endpoint, p_estimated_tokens::bigint) a
  $$;
comment on function public.acquire_api_capacity(text, text, integer) is
  'The original''s boolean acquire: true when a jobless lease was granted (release with release_api_capacity). Prefer acquire_api_lease.';

-- release_api_capacity: the original's release. With no lease id to name, it releases the oldest
-- jobless lease of the pair that reserved p_estimated_tokens (else the oldest jobless one) and
-- reconciles it to p_actual_tokens.
create function public.release_api_capacity(p_provider_name text, p_api_endpoint text,
                                            p_estimated_tokens integer, p_actual_tokens integer default null)
  returns void
  language plpgsql
  set search_path = ''
  as $$
declare
  v_lease uuid;
begin
  select l.id into v_lease from public.api_leases l
   where l.limit_id = public.api_rate_limit_for(p_provider_name, p_api_endpoint) and l.job_id is null
   order by l.reserved_tokens = p_estimated_tokens desc, l.expired_at is null desc, l.granted_at
   limit 1;
  if v_lease is not null then
    perform public.release_api_lease(v_lease, coalesce(p_actual_tokens, p_estimated_tokens)::bigint);
  end if;
end
$$;
comment on function public.release_api_capacity(text, text, integer, integer) is
  'The original''s release: releases the oldest jobless lease of the pair (preferring one that reserved p_estimated_tokens) and reconciles it to p_actual_tokens.';

revoke all on function public.api_rate_limit_for(text, text), public.api_lease_is_live(public.api_leases, timestamptz),
  public.api_rate_slot_start(text, timestamptz), public.api_rate_window_span(text),
  public.api_window_free_at(uuid, text, numeric, boolean, timestamptz),
  public.api_rate_limit_check(public.api_rate_limits, bigint, timestamptz, integer, boolean),
  public.acquire_api_lease(text, text, bigint, uuid, text, integer), public.release_api_lease(uuid, bigint, bigint),
  public.observe_api_rate_limit(text, text, integer, bigint, bigint, bigint, bigint, timestamptz, bigint),
  public.acquire_api_capacity(text, text, integer), public.release_api_capacity(text, text, integer, integer)
  from public, anon, authenticated;
grant execute on function public.api_rate_limit_for(text, text), public.api_lease_is_live(public.api_leases, timestamptz),
  public.api_rate_slot_start(text, timestamptz), public.api_rate_window_span(text),
  public.api_window_free_at(uuid, text, numeric, boolean, timestamptz),
  public.api_rate_limit_check(public.api_rate_limits, bigint, timestamptz, integer, boolean),
  public.acquire_api_lease(text, text, bigint, uuid, text, integer), public.release_api_lease(uuid, bigint, bigint),
  public.observe_api_rate_limit(text, text, integer, bigint, bigint, bigint, bigint, timestamptz, bigint),
  public.acquire_api_capacity(text, text, integer), public.release_api_capacity(text, text, integer, integer)
  to service_role;

-- Operators ---------------------------------------------------------------------------------------

-- get_api_rate_limits(): every limit with its live usage, for GET /v1/admin/rate-limits.
create function public.get_api_rate_limits()
  returns table (provider_name text, api_endpoint text, status text,
                 requests_per_minute integer, requests_per_hour integer, tokens_per_minute bigint,
                 tokens_per_hour bigint, concurrent_requests integer,
                 vendor_requests_per_minute integer, vendor_tokens_per_minute bigint,
                 requests_minute bigint, requests_hour bigint, tokens_minute bigint, tokens_hour bigint,
                 active_requests integer, paused_until timestamptz, rate_limit_violations integer,
                 last_rate_limit_hit timestamptz, backpressure_delay_seconds integer, updated_at timestamptz)
  language plpgsql
  stable
  security definer
  set search_path = ''
  as $$
declare
  v_now timestamptz := clock_timestamp();
begin
  if not (public.is_service_role() or public.is_admin()) then
    raise exception 'only operators may read rate limits' using errcode = '42501';
  end if;
  return query
    select l.provider_name, l.api_endpoint, l.status, l.requests_per_minute, l.requests_per_hour,
           l.tokens_per_minute, l.tokens_per_hour, l.concurrent_requests, l.vendor_requests_per_minute,
           l.vendor_tokens_per_minute, c.requests_minute, c.requests_hour, c.tokens_minute, c.tokens_hour,
           c.active, case when l.paused_until > v_now then l.paused_until end, l.rate_limit_violations,
           l.last_rate_limit_hit, l.backpressure_delay_seconds, l.updated_at
      from public.api_rate_limits l
      cross join lateral public.api_rate_limit_check(l, 0, v_now) c
     order by l.provider_name, l.api_endpoint;
end
$$;
comment on function public.get_api_rate_limits() is
  'Operators only (42501 otherwise): every limit with its usage in the current windows, live leases, pause and violations.';

-- put_api_rate_limit(...): create or replace the limits of one (provider, endpoint). Null means
-- no limit of that kind, but at least one limit must be set; zero and negative limits and unknown
-- providers are refused with 22023 and a message naming the field. The window usage is kept.
create function public.put_api_rate_limit(p_provider text, p_endpoint text,
    p_requests_per_minute integer, p_requests_per_hour integer, p_tokens_per_minute bigint,
    p_tokens_per_hour bigint, p_concurrent_requests integer, p_status text default 'active',
    p_backpressure_delay_seconds integer default 5)
  returns setof public.api_rate_limits
  language plpgsql
  security definer
  set search_path = ''
  as $$
declare
  v_bad_name  text;
  v_bad_value bigint;
begin
  if not (public.is_service_role() or public.is_admin()) then
    raise exception 'only operators may change rate limits' using errcode = '42501';
  end if;
  if p_provider is null or not (p_provider = any (public.api_rate_limit_providers())) then
    raise exception 'unknown provider: % (known: openai, anthropic, google)', coalesce(p_provider, 'null')
      using errcode = '22023';
  end if;
  if p_endpoint is null or length(p_endpoint) not between 1 and 200 then
    raise exception 'endpoint must be 1 to 200 characters (a model, an endpoint, or * for any)' using errcode = '22023';
  end if;
  select l.name, l.value into v_bad_name, v_bad_value
    from (values (1, 'requests_per_minute', p_requests_per_minute::bigint),
                 (2, 'requests_per_hour', p_requests_per_hour::bigint),
                 (3, 'tokens_per_minute', p_tokens_per_minute),
                 (4, 'tokens_per_hour', p_tokens_per_hour),
                 (5, 'concurrent_requests', p_concurrent_requests::bigint)) l(ord, name, value)
   where l.value <= 0
   order by l.ord
   limit 1;
  if v_bad_name is not null then
    raise exception '% must be positive (or null for no limit), got %', v_bad_name, v_bad_value using errcode = '22023';
  end if;
  if num_nonnulls(p_requests_per_minute, p_requests_per_hour, p_tokens_per_minute, p_tokens_per_hour,
                  p_concurrent_requests) = 0 then
    raise exception 'set at least one limit (requests or tokens per minute or hour, or concurrent requests)'
      using errcode = '22023';
  end if;
  if p_status is null or p_status not in ('active', 'disabled', 'maintenance') then
    raise exception 'status must be active, disabled or maintenance, got %', coalesce(p_status, 'null') using errcode = '22023';
  end if;
  if p_backpressure_delay_seconds is null or p_backpressure_delay_seconds not between 1 and 3600 then
    raise exception 'backpressure_delay_seconds must be between 1 and 3600, got %', p_backpressure_delay_seconds
      using errcode = '22023';
  end if;
  return query
    insert into public.api_rate_limits as l (provider_name, api_endpoint, requests_per_minute, requests_per_hour,
                                             tokens_per_minute, tokens_per_hour, concurrent_requests, status,
                                             backpressure_delay_seconds)
    values (p_provider, p_endpoint, p_requests_per_minute, p_requests_per_hour, p_tokens_per_minute,
            p_tokens_per_hour, p_concurrent_requests, p_status, p_backpressure_delay_seconds)
    on conflict (provider_name, api_endpoint) do update
      set requests_per_minute = excluded.requests_per_minute, requests_per_hour = excluded.requests_per_hour,
          tokens_per_minute = excluded.tokens_per_minute, tokens_per_hour = excluded.tokens_per_hour,
          concurrent_requests = excluded.concurrent_requests, status = excluded.status,
          backpressure_delay_seconds = excluded.backpressure_delay_seconds,
          -- an operator's new limits supersede what a vendor reported before
          vendor_requests_per_minute = null, vendor_tokens_per_minute = null, updated_at = now()
    returning l.*;
end
$$;
comment on function public.put_api_rate_limit(text, text, integer, integer, bigint, bigint, integer, text, integer) is
  'Operators only (42501 otherwise): creates or replaces one pair''s limits; 22023 naming the field for an unknown provider, an empty endpoint, zero or negative limits, no limit at all, or a bad status.';

revoke all on function public.get_api_rate_limits(),
  public.put_api_rate_limit(text, text, integer, integer, bigint, bigint, integer, text, integer) from public, anon;
grant execute on function public.get_api_rate_limits(),
  public.put_api_rate_limit(text, text, integer, integer, bigint, bigint, integer, text, integer)
  to authenticated, service_role;

-- Backpressure at enqueue (issue 3) -----------------------------------------------------------------
-- A job whose payload names ai_provider (and ai_model, and optionally estimated_tokens) is
-- scheduled for when its pair has capacity again, instead of being claimed only to be deferred.
-- A BEFORE INSERT trigger, so enqueue_job_v3 and enqueue_jobs_v3 (V071) stay as they are; the
-- WHEN clause keeps every other insert free of it. It only forecasts (no lock, no booking): the
-- lease is still taken by the worker, so a forecast that is stale costs a deferral, never a
-- violation.
create function public.schedule_ai_job_for_capacity() returns trigger
  language plpgsql
  security definer
  set search_path = ''
  as $$
declare
  v_limit public.api_rate_limits;
  v_check record;
  v_tokens bigint;
begin
  select * into v_limit from public.api_rate_limits l
   where l.id = public.api_rate_limit_for(new.job_payload ->> 'ai_provider', coalesce(new.job_payload ->> 'ai_model', '*'));
  if not found then
    return new;
  end if;
  v_tokens := case when new.job_payload ->> 'estimated_tokens' ~ '^[0-9]{1,15}$'
                   then (new.job_payload ->> 'estimated_tokens')::bigint else 0 end;
  select * into v_check from public.api_rate_limit_check(v_limit, v_tokens, clock_timestamp());
  if v_check.binding is not null and v_check.retry_at > new.scheduled_at then
    new.scheduled_at := v_check.retry_at;
  end if;
  return new;
end
$$;
comment on function public.schedule_ai_job_for_capacity() is
  'BEFORE INSERT on job_queue for payloads naming ai_provider: moves scheduled_at to when the provider/model has capacity (forecast only; the worker still takes a lease).';
revoke all on function public.schedule_ai_job_for_capacity() from public, anon, authenticated;
create trigger job_queue_ai_backpressure before insert on public.job_queue
  for each row when (new.job_payload ? 'ai_provider')
  execute function public.schedule_ai_job_for_capacity();
