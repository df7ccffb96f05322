-- Sign-in throttle: a password is checked at most auth.sign_in_max_attempts times (10) per e-mail
-- address in a window of auth.sign_in_window_seconds (900) that opens at the first attempt; past
-- that the API answers 429 with Retry-After until the window closes. A successful sign-in closes
-- the window. Keyed on the address whether or not an account has it, so a refusal says nothing
-- about which addresses exist.
--
-- Attempts are counted before the password is checked, in one upsert, so concurrent attempts
-- cannot all pass the check before any of them is counted, and a refused attempt costs no hashing.
-- In public, not auth: Supabase does not let a project create objects in its auth schema.
--
-- Not covered: one client trying a few passwords against many addresses (spraying), which needs
-- the client's address; behind a proxy that takes configuration Exora does not have yet.
create table public.sign_in_attempts (
  email             text        primary key check (email = lower(btrim(email)) and email <> ''),
  window_started_at timestamptz not null,
  attempts          integer     not null check (attempts > 0)
);
comment on table public.sign_in_attempts is
  'Password checks per address in the current throttle window (take_sign_in_attempt).';
-- Each attempt removes a few windows that have closed, by this index, so addresses tried once and
-- never again (a spray of made-up ones) do not pile up.
create index sign_in_attempts_window on public.sign_in_attempts (window_started_at);
alter table public.sign_in_attempts enable row level security;  -- no policy: only service_role reaches it
revoke all on table public.sign_in_attempts from public, anon, authenticated;
grant select, insert, update, delete on table public.sign_in_attempts to service_role;

-- take_sign_in_attempt: counts one attempt for the (normalised) address. Returns null when the
-- password may be checked, or the seconds until the window closes when the address has used its
-- attempts. A window older than its length starts again at this attempt. Also deletes up to ten
-- closed windows of other addresses.
create function public.take_sign_in_attempt(p_email text) returns numeric
  language plpgsql
  set search_path = ''
  as $$
declare
  v_max_setting    text := (select c.config_value #>> '{}' from public.system_configuration c
                             where c.config_key = 'auth.sign_in_max_attempts');
  v_window_setting text := (select c.config_value #>> '{}' from public.system_configuration c
                             where c.config_key = 'auth.sign_in_window_seconds');
  -- A setting that is not a plain number falls back to the default, and one out of range is
  -- clamped (1..1,000 attempts, 1 minute..1 day): a typo must neither fail every sign-in nor turn the
  -- throttle off.
  v_max    integer := case when v_max_setting ~ '^[0-9]{1,9}(\.[0-9]+)?$'
                           then least(greatest(round(v_max_setting::numeric), 1), 1000) else 10 end;
  v_window interval := make_interval(secs => case when v_window_setting ~ '^[0-9]{1,9}(\.[0-9]+)?$'
                           then least(greatest(v_window_setting::numeric, 60), 86400) else 900 end);
  v_row    public.sign_in_attempts;
begin
  insert into public.sign_in_attempts as a (email, window_started_at, attempts)
  values (p_email, now(), 1)
  on conflict (email) do update
     set window_started_at = case when a.window_started_at <= now() - v_window then now()
                                  else a.window_started_at end,
         -- capped one past the limit: refused attempts go on being refused without counting up
         attempts = case when a.window_started_at <= now() - v_window then 1
                         else least(a.attempts + 1, v_max + 1) end
  returning * into v_row;
  delete from public.sign_in_attempts
   where email in (select o.email from public.sign_in_attempts o
                    where o.window_started_at <= now() - v_window
                    order by o.window_started_at
                    limit 10
                    for update skip locked);
  if v_row.attempts <= v_max then
    return null;
  end if;
  return greatest(extract(epoch from v_row.window_started_at + v_window - now()), 0);
end
$$;
comment on function public.take_sign_in_attempt(text) is
  'Counts a sign-in attempt; null = go ahead, else seconds until the address may try again.';
revoke all on function public.take_sign_in_attempt(text) from public, anon, authenticated;
grant execute on function public.take_sign_in_attempt(text) to service_role;

-- clear_sign_in_attempts: a successful sign-in closes the address's window.
create function public.clear_sign_in_attempts(p_email text) returns void
  language sql
  set search_path = ''
  as $$ delete from public.sign_in_attempts where email = p_email $$;
comment on function public.clear_sign_in_attempts(text) is 'Closes the throttle window of an address that signed in.';
revoke all on function public.clear_sign_in_attempts(text) from public, anon, authenticated;
grant execute on function public.clear_sign_in_attempts(text) to service_role;
