-- Foundations (the original's 01): the audit trail, system configuration, feature flags and the
-- two role helpers every later policy and function uses.
--
-- Privilege model for everything in `public` from here on:
-- * nothing is granted to PUBLIC; each table and function grants what each role needs, explicitly,
--   so the result is the same on a plain PostgreSQL and on Supabase (whose default privileges
--   grant everything to anon and authenticated);
-- * RLS is enabled on every table; policies name their role (`to authenticated`);
-- * SECURITY DEFINER functions pin `search_path = ''`, qualify every name, and refuse a
--   caller-supplied profile id the caller cannot access (unless the caller is the service role).

revoke create on schema public from public;
grant usage on schema public to anon, authenticated, service_role;
alter default privileges in schema public revoke execute on functions from public;

-- is_service_role(): true when the transaction runs as service_role. It reads the `role` setting
-- (what set_config('role', ...) set), not a claim, so a forged claim cannot grant it, and it stays
-- right inside SECURITY DEFINER functions, where current_user is the function's owner.
create function public.is_service_role() returns boolean
  language sql stable
  set search_path = ''
  as $$ select coalesce(current_setting('role', true), '') = 'service_role' $$;
comment on function public.is_service_role() is
  'True when the current transaction acts as service_role (workers, operators).';

-- is_admin(): an operator flag carried in the verified token's app_metadata. Only the server
-- writes app_metadata (auth.users.raw_app_meta_data), and tokens are signed, so users cannot set it.
create function public.is_admin() returns boolean
  language sql stable
  set search_path = ''
  as $$ select coalesce((auth.jwt() -> 'app_metadata' ->> 'is_admin') = 'true', false) $$;
comment on function public.is_admin() is
  'True when the caller''s verified token marks them as an operator (app_metadata.is_admin).';

revoke all on function public.is_service_role(), public.is_admin() from public, anon;
grant execute on function public.is_service_role(), public.is_admin() to authenticated, service_role;

-- audit_log: append-only record of sensitive writes. It records who changed which record, when,
-- how and in which request; it stores the names of the changed columns, not their values, so the
-- audit trail never becomes a second, unencrypted copy of clinical data (docs/decisions/0004).
create table public.audit_log (
  id                  uuid        primary key default gen_random_uuid(),
  table_name          text        not null,
  record_id           uuid,
  operation           text        not null
    constraint audit_log_operation_known
    check (operation in ('INSERT', 'UPDATE', 'DELETE', 'EXPORT', 'ERASE', 'ACCESS_GRANTED',
                         'ACCESS_REVOKED', 'REVIEW', 'SYSTEM')),
  old_values          jsonb,
  new_values          jsonb,
  changed_columns     text[],
  changed_by          uuid,
  changed_by_role     text        not null default coalesce(nullif(current_setting('role', true), 'none'), current_user),
  changed_at          timestamptz not null default now(),
  reason              text,
  -- Defect 3 of the original: a caller passed a category this CHECK refused and the error was
  -- swallowed. Here the list is the single source of truth and a refusal fails the audited write.
  compliance_category text        not null
    constraint audit_log_compliance_category_known
    check (compliance_category in ('authentication', 'access_control', 'profile', 'clinical_data',
                                   'document', 'consent', 'configuration', 'job_processing',
                                   'data_export', 'data_erasure', 'usage')),
  patient_id          uuid,
  correlation_id      text        default nullif(current_setting('exora.correlation_id', true), ''),
  session_id          text,
  ip_address          inet,
  user_agent          text
);
comment on table public.audit_log is
  'Append-only audit trail of sensitive writes; written only by log_audit_event and audit triggers.';
create index audit_log_patient_changed_at on public.audit_log (patient_id, changed_at desc);
create index audit_log_record on public.audit_log (table_name, record_id);

alter table public.audit_log enable row level security;
revoke all on table public.audit_log from public, anon, authenticated;
grant select on table public.audit_log to authenticated;
grant select, insert on table public.audit_log to service_role;
-- Policies that read audit rows need the profile helpers, so they are created with them (V020).

-- log_audit_event: write one audit row and return its id.
-- Contract: never swallows an error. A bad category or operation raises 23514 and fails the
-- caller's transaction, so a write whose audit row cannot be stored does not happen (defect 3).
-- Guard: a caller other than the service role may only audit a patient it can access.
create function public.log_audit_event(
  p_table_name          text,
  p_record_id           uuid,
  p_operation           text,
  p_old_values          jsonb default null,
  p_new_values          jsonb default null,
  p_reason              text  default null,
  p_compliance_category text  default 'clinical_data',
  p_patient_id          uuid  default null
) returns uuid
  language plpgsql
  security definer
  set search_path = ''
  as $$
declare
  v_id uuid;
begin
  if p_patient_id is not null
     and not public.is_service_role()
     and not public.has_profile_access(auth.uid(), p_patient_id) then
    raise exception 'not allowed to audit profile %', p_patient_id using errcode = '42501';
  end if;

  insert into public.audit_log (table_name, record_id, operation, old_values, new_values,
                                changed_by, reason, compliance_category, patient_id)
  values (p_table_name, p_record_id, p_operation, p_old_values, p_new_values,
          auth.uid(), p_reason, p_compliance_category, p_patient_id)
  returning id into v_id;
  return v_id;
end
$$;
comment on function public.log_audit_event(text, uuid, text, jsonb, jsonb, text, text, uuid) is
  'Writes one audit row and returns its id. Raises (never swallows) on invalid input; guarded by has_profile_access.';
revoke all on function public.log_audit_event(text, uuid, text, jsonb, jsonb, text, text, uuid) from public, anon;
grant execute on function public.log_audit_event(text, uuid, text, jsonb, jsonb, text, text, uuid)
  to authenticated, service_role;

-- audit_row_change(): the trigger behind every audited table. Its single argument is the
-- compliance category. It runs as the table owner so that the audit insert succeeds for any caller
-- the table's own policies let through; it takes the patient from the row's patient_id column
-- (or, for user_profiles, its id).
create function public.audit_row_change() returns trigger
  language plpgsql
  security definer
  set search_path = ''
  as $$
declare
  v_row     jsonb := case when tg_op = 'DELETE' then to_jsonb(old) else to_jsonb(new) end;
  v_old     jsonb := case when tg_op = 'INSERT' then null else to_jsonb(old) end;
  v_changed text[];
begin
  if tg_op = 'UPDATE' then
    select coalesce(array_agg(n.key order by n.key), '{}')
      into v_changed
      from jsonb_each(v_row) n
     where n.key <> 'updated_at' and n.value is distinct from v_old -> n.key;
    if cardinality(v_changed) = 0 then
      return null;  -- nothing but updated_at changed: nothing to audit
    end if;
  end if;

  insert into public.audit_log (table_name, record_id, operation, changed_columns, changed_by,
                                compliance_category, patient_id)
  values (tg_table_name, (v_row ->> 'id')::uuid, tg_op, v_changed, auth.uid(), tg_argv[0],
          coalesce((v_row ->> 'patient_id')::uuid,
                   (v_row ->> 'profile_id')::uuid,
                   case when tg_table_name = 'user_profiles' then (v_row ->> 'id')::uuid end));
  return null;
end
$$;
comment on function public.audit_row_change() is
  'AFTER ROW trigger: records INSERT/UPDATE/DELETE with the changed column names; fails the write if the audit row fails.';
revoke all on function public.audit_row_change() from public, anon, authenticated;

-- set_updated_at(): keeps updated_at honest without trusting callers.
create function public.set_updated_at() returns trigger
  language plpgsql
  set search_path = ''
  as $$ begin new.updated_at := now(); return new; end $$;
comment on function public.set_updated_at() is 'BEFORE UPDATE trigger: stamps updated_at.';
revoke all on function public.set_updated_at() from public, anon;

-- system_configuration: operator-tunable settings read by the database and the workers.
create table public.system_configuration (
  config_key   text        primary key check (config_key ~ '^[a-z][a-z0-9_.]*$'),
  config_value jsonb       not null,
  description  text,
  is_sensitive boolean     not null default false,
  updated_at   timestamptz not null default now()
);
comment on table public.system_configuration is 'Operator settings (key -> JSON value).';
create trigger system_configuration_updated_at before update on public.system_configuration
  for each row execute function public.set_updated_at();
create trigger system_configuration_audit after insert or update or delete on public.system_configuration
  for each row execute function public.audit_row_change('configuration');

alter table public.system_configuration enable row level security;
revoke all on table public.system_configuration from public, anon, authenticated;
grant select, insert, update, delete on table public.system_configuration to authenticated, service_role;
create policy system_configuration_admin_all on public.system_configuration
  for all to authenticated
  using ((select public.is_admin()))
  with check ((select public.is_admin()));

-- feature_flags: product switches. Everyone signed in may read them (the dashboard needs them);
-- only operators change them.
create table public.feature_flags (
  flag_name          text        primary key check (flag_name ~ '^[a-z][a-z0-9_]*$'),
  enabled            boolean     not null default false,
  description        text,
  rollout_percentage integer     not null default 100 check (rollout_percentage between 0 and 100),
  updated_at         timestamptz not null default now()
);
comment on table public.feature_flags is 'Product feature switches.';
create trigger feature_flags_updated_at before update on public.feature_flags
  for each row execute function public.set_updated_at();
create trigger feature_flags_audit after insert or update or delete on public.feature_flags
  for each row execute function public.audit_row_change('configuration');

alter table public.feature_flags enable row level security;
revoke all on table public.feature_flags from public, anon, authenticated;
grant select, insert, update, delete on table public.feature_flags to authenticated, service_role;
create policy feature_flags_read on public.feature_flags
  for select to authenticated using (true);
create policy feature_flags_admin_insert on public.feature_flags
  for insert to authenticated with check ((select public.is_admin()));
create policy feature_flags_admin_update on public.feature_flags
  for update to authenticated using ((select public.is_admin())) with check ((select public.is_admin()));
create policy feature_flags_admin_delete on public.feature_flags
  for delete to authenticated using ((select public.is_admin()));
