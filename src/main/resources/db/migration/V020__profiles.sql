-- Profiles (the original's 02): the patients an account looks after, delegated access to them,
-- and the access helpers every policy uses.
--
-- auth.users(id) is a login; user_profiles(id) is a patient. One account owns several profiles
-- (self, child, dependent, pet). auth.uid() is never a profile id (seed 000, first blocker).

-- Levels, lowest first; a level implies the ones below it. `owner` is never granted: ownership
-- is user_profiles.account_owner_id.
create type public.access_level_type as enum
  ('none', 'emergency', 'read_only', 'read_write', 'full_access', 'owner');

-- What a grant may be used for, on top of its level (docs/access-model.md):
--   view_documents     read_only and up, with can_view_documents
--   upload_documents   read_write and up, with can_upload_documents
--   edit_medical_data  read_write and up, with can_edit_medical_data
--   share_data         read_only and up, with can_share_data
--   manage_permissions full_access, with can_manage_permissions
create type public.profile_capability as enum
  ('view_documents', 'upload_documents', 'edit_medical_data', 'share_data', 'manage_permissions');

create table public.user_profiles (
  id               uuid        primary key default gen_random_uuid(),
  account_owner_id uuid        not null references auth.users (id) on delete cascade,
  profile_type     text        not null
    check (profile_type in ('self', 'child', 'adult_dependent', 'pet')),
  display_name     text        not null check (length(btrim(display_name)) between 1 and 200),
  relationship     text        check (length(relationship) <= 100),
  date_of_birth    date        check (date_of_birth <= current_date),
  biological_sex   text        check (biological_sex in ('female', 'male', 'intersex', 'unknown')),
  archived         boolean     not null default false,
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now()
);
comment on table public.user_profiles is 'Patients. Each is owned by one account (auth.users).';
create unique index user_profiles_one_self_per_account
  on public.user_profiles (account_owner_id) where profile_type = 'self';
create index user_profiles_account_owner on public.user_profiles (account_owner_id);
create trigger user_profiles_updated_at before update on public.user_profiles
  for each row execute function public.set_updated_at();
create trigger user_profiles_audit after insert or update or delete on public.user_profiles
  for each row execute function public.audit_row_change('profile');

create table public.profile_access_permissions (
  id                     uuid        primary key default gen_random_uuid(),
  profile_id             uuid        not null references public.user_profiles (id) on delete cascade,
  user_id                uuid        not null references auth.users (id) on delete cascade,
  permission_level       public.access_level_type not null
    constraint profile_access_permissions_not_owner check (permission_level <> 'owner'),
  can_upload_documents   boolean     not null default false,
  can_view_documents     boolean     not null default true,
  can_edit_medical_data  boolean     not null default false,
  can_share_data         boolean     not null default false,
  can_manage_permissions boolean     not null default false,
  access_start_date      timestamptz not null default now(),
  access_end_date        timestamptz,
  granted_by             uuid        references auth.users (id) on delete set null,
  granted_at             timestamptz not null default now(),
  revoked_at             timestamptz,
  revoked_by             uuid        references auth.users (id) on delete set null,
  revoke_reason          text,
  updated_at             timestamptz not null default now(),
  unique (profile_id, user_id),
  constraint profile_access_permissions_window check (access_end_date is null or access_end_date > access_start_date),
  constraint profile_access_permissions_revoke_complete check (revoked_at is not null or revoked_by is null)
);
comment on table public.profile_access_permissions is
  'Delegated access: a user (carer, family) may act on a profile at a level, within a time window, until revoked.';
-- The access helpers look grants up by (user_id, profile_id).
create index profile_access_permissions_user on public.profile_access_permissions (user_id, profile_id);
create trigger profile_access_permissions_updated_at before update on public.profile_access_permissions
  for each row execute function public.set_updated_at();
create trigger profile_access_permissions_audit after insert or update or delete on public.profile_access_permissions
  for each row execute function public.audit_row_change('access_control');

-- effective_access_level(user, profile): the strongest level the user holds on the profile now:
-- owner for the account owner, else the level of an unrevoked grant inside its time window
-- (defect 4: the original ignored grants entirely), else none.
-- Internal: not executable by any API role. It is still guarded like every SECURITY DEFINER
-- function that takes a user id, so that a later grant cannot turn it into an oracle on other
-- users' access (its callers have already passed the same guard, so it costs them nothing).
create function public.effective_access_level(p_user_id uuid, p_profile_id uuid)
  returns public.access_level_type
  language plpgsql stable
  security definer
  set search_path = ''
  as $$
begin
  perform public.guard_caller(p_user_id);
  return case
    when exists (select 1 from public.user_profiles p
                  where p.id = p_profile_id and p.account_owner_id = p_user_id)
      then 'owner'::public.access_level_type
    else coalesce((select g.permission_level from public.profile_access_permissions g
                    where g.user_id = p_user_id and g.profile_id = p_profile_id
                      and g.revoked_at is null
                      and g.access_start_date <= now()
                      and (g.access_end_date is null or g.access_end_date > now())),
                  'none')
  end;
end
$$;
comment on function public.effective_access_level(uuid, uuid) is
  'Internal. Owner, else the level of the unrevoked, unexpired, started grant, else none. Guarded like has_profile_access.';
revoke all on function public.effective_access_level(uuid, uuid) from public, anon, authenticated;

-- guard_caller(p_user_id): the rule for functions that take a user id: you may only ask about
-- yourself, unless you are the service role. Raises 42501 otherwise.
create function public.guard_caller(p_user_id uuid) returns void
  language plpgsql stable
  set search_path = ''
  as $$
begin
  if not public.is_service_role() and p_user_id is distinct from auth.uid() then
    raise exception 'may not act for another user' using errcode = '42501';
  end if;
end
$$;
comment on function public.guard_caller(uuid) is
  'Raises 42501 unless p_user_id is the caller or the caller is the service role.';
revoke all on function public.guard_caller(uuid) from public, anon;
grant execute on function public.guard_caller(uuid) to authenticated, service_role;

-- has_profile_access(user, profile): true for the owner and for an unexpired, unrevoked grant
-- above `none`. Guarded: a user may only ask about themselves.
create function public.has_profile_access(p_user_id uuid, p_profile_id uuid) returns boolean
  language plpgsql stable
  security definer
  set search_path = ''
  as $$
begin
  perform public.guard_caller(p_user_id);
  return public.effective_access_level(p_user_id, p_profile_id) > 'none';
end
$$;
comment on function public.has_profile_access(uuid, uuid) is
  'Owner or a live grant (unrevoked, started, unexpired, level above none). Guarded: callers ask only about themselves.';

-- has_profile_access_level(user, profile, level): the user's effective level is at least `level`.
create function public.has_profile_access_level(p_user_id uuid, p_profile_id uuid,
                                                p_required_level public.access_level_type)
  returns boolean
  language plpgsql stable
  security definer
  set search_path = ''
  as $$
begin
  perform public.guard_caller(p_user_id);
  return p_required_level > 'none'
     and public.effective_access_level(p_user_id, p_profile_id) >= p_required_level;
end
$$;
comment on function public.has_profile_access_level(uuid, uuid, public.access_level_type) is
  'Effective level (owner, or a live grant) is at least p_required_level. Guarded like has_profile_access.';

revoke all on function public.has_profile_access(uuid, uuid) from public, anon;
revoke all on function public.has_profile_access_level(uuid, uuid, public.access_level_type) from public, anon;
grant execute on function public.has_profile_access(uuid, uuid) to authenticated, service_role;
grant execute on function public.has_profile_access_level(uuid, uuid, public.access_level_type)
  to authenticated, service_role;

-- my_profiles(level, capability): the profiles the caller reaches at `level` or above, with the
-- capability when one is named. Policies use it as `patient_id in (select public.my_profiles(...))`,
-- which PostgreSQL evaluates once per statement (a hashed subplan) instead of once per row.
-- It takes no user id: it always answers for auth.uid(), so it needs no guard.
-- PL/pgSQL, not SQL: a SQL function with a pinned search_path is never inlined and is planned
-- afresh at every call (about 0.6 ms), while PL/pgSQL keeps the plan for the session (under
-- 0.1 ms). It is in every policy, so every request pays it.
create function public.my_profiles(p_min_level public.access_level_type,
                                   p_capability public.profile_capability default null)
  returns setof uuid
  language plpgsql stable
  security definer
  set search_path = ''
  as $$
begin
  return query
    select p.id
      from public.user_profiles p
     where p.account_owner_id = auth.uid()
    union
    select g.profile_id
      from public.profile_access_permissions g
     where g.user_id = auth.uid()
       and g.revoked_at is null
       and g.access_start_date <= now()
       and (g.access_end_date is null or g.access_end_date > now())
       and p_min_level > 'none'
       and g.permission_level >= p_min_level
       and case p_capability
             when 'view_documents'     then g.can_view_documents     and g.permission_level >= 'read_only'
             when 'upload_documents'   then g.can_upload_documents   and g.permission_level >= 'read_write'
             when 'edit_medical_data'  then g.can_edit_medical_data  and g.permission_level >= 'read_write'
             when 'share_data'         then g.can_share_data         and g.permission_level >= 'read_only'
             when 'manage_permissions' then g.can_manage_permissions and g.permission_level >= 'full_access'
             else true
           end;
end
$$;
comment on function public.my_profiles(public.access_level_type, public.profile_capability) is
  'Profile ids the caller (auth.uid()) owns or reaches through a live grant at p_min_level or above, with p_capability if given.';
revoke all on function public.my_profiles(public.access_level_type, public.profile_capability) from public, anon;
grant execute on function public.my_profiles(public.access_level_type, public.profile_capability)
  to authenticated, service_role;

-- get_accessible_profiles(user): every profile the user reaches, with how.
create function public.get_accessible_profiles(p_user_id uuid default auth.uid())
  returns table (profile_id uuid, display_name text, profile_type text, account_owner_id uuid,
                 access_level public.access_level_type, is_owner boolean,
                 can_upload_documents boolean, can_view_documents boolean,
                 can_edit_medical_data boolean, can_share_data boolean,
                 can_manage_permissions boolean, access_end_date timestamptz)
  language plpgsql stable
  security definer
  set search_path = ''
  as $$
begin
  perform public.guard_caller(p_user_id);
  return query
    select p.id, p.display_name, p.profile_type, p.account_owner_id,
           'owner'::public.access_level_type, true, true, true, true, true, true,
           null::timestamptz
      from public.user_profiles p
     where p.account_owner_id = p_user_id
    union all
    select p.id, p.display_name, p.profile_type, p.account_owner_id,
           g.permission_level, false, g.can_upload_documents, g.can_view_documents,
           g.can_edit_medical_data, g.can_share_data, g.can_manage_permissions, g.access_end_date
      from public.profile_access_permissions g
      join public.user_profiles p on p.id = g.profile_id
     where g.user_id = p_user_id
       and p.account_owner_id <> p_user_id  -- an owner's own profile is listed once, as owner
       and g.revoked_at is null
       and g.access_start_date <= now()
       and (g.access_end_date is null or g.access_end_date > now())
       and g.permission_level > 'none'
     order by 6 desc, 2;
end
$$;
comment on function public.get_accessible_profiles(uuid) is
  'The profiles p_user_id owns or holds a live grant on, with level and capabilities. Guarded: callers ask only about themselves.';
revoke all on function public.get_accessible_profiles(uuid) from public, anon;
grant execute on function public.get_accessible_profiles(uuid) to authenticated, service_role;

-- user_profiles policies
alter table public.user_profiles enable row level security;
revoke all on table public.user_profiles from public, anon, authenticated;
-- No account_owner_id in the UPDATE column list: the update policy is evaluated against the
-- access the caller had before the statement, so with it a full_access delegate could move the
-- profile into their own account (and an owner could push one into anybody's). Ownership moves,
-- like erasure, are service-role paths. No DELETE either: deleting a profile cascades to every
-- clinical row, document and consent of it, and only the service role hard-deletes clinical
-- rows; people archive a profile (archived = true).
grant select, insert on table public.user_profiles to authenticated;
grant update (profile_type, display_name, relationship, date_of_birth, biological_sex, archived)
  on table public.user_profiles to authenticated;
grant all on table public.user_profiles to service_role;
-- The owner test reads the row itself: my_profiles() cannot see a row inserted by the same
-- statement, and INSERT ... RETURNING must be able to read the new profile back.
create policy user_profiles_select on public.user_profiles
  for select to authenticated
  using (account_owner_id = (select auth.uid()) or id in (select public.my_profiles('emergency')));
create policy user_profiles_insert_own on public.user_profiles
  for insert to authenticated
  with check (account_owner_id = (select auth.uid()));
create policy user_profiles_update on public.user_profiles
  for update to authenticated
  using (id in (select public.my_profiles('full_access')))
  with check (id in (select public.my_profiles('full_access')));

-- profile_access_permissions policies: the grantee sees their own grant; the owner (or a
-- full_access manager) sees and manages all grants of the profile. Grants are revoked by an
-- update (revoked_at), never deleted, so the history stays.
alter table public.profile_access_permissions enable row level security;
revoke all on table public.profile_access_permissions from public, anon, authenticated;
grant select, insert, update on table public.profile_access_permissions to authenticated;
grant all on table public.profile_access_permissions to service_role;
create policy profile_access_permissions_select on public.profile_access_permissions
  for select to authenticated
  using (user_id = (select auth.uid())
         or profile_id in (select public.my_profiles('full_access', 'manage_permissions')));
create policy profile_access_permissions_insert on public.profile_access_permissions
  for insert to authenticated
  with check (profile_id in (select public.my_profiles('full_access', 'manage_permissions'))
              and user_id <> (select auth.uid()));
create policy profile_access_permissions_update on public.profile_access_permissions
  for update to authenticated
  using (profile_id in (select public.my_profiles('full_access', 'manage_permissions')))
  with check (profile_id in (select public.my_profiles('full_access', 'manage_permissions')));

-- user_events: a user's own engagement events.
create table public.user_events (
  id         uuid        primary key default gen_random_uuid(),
  user_id    uuid        not null default auth.uid() references auth.users (id) on delete cascade,
  profile_id uuid        references public.user_profiles (id) on delete cascade,
  event_type text        not null check (event_type ~ '^[a-z][a-z0-9_.]{0,63}$'),
  event_data jsonb       not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);
comment on table public.user_events is 'Engagement events of one user (optionally about one profile).';
create index user_events_user_created on public.user_events (user_id, created_at desc);
create index user_events_profile on public.user_events (profile_id);

alter table public.user_events enable row level security;
revoke all on table public.user_events from public, anon, authenticated;
grant select, insert on table public.user_events to authenticated;
grant all on table public.user_events to service_role;
create policy user_events_select_own on public.user_events
  for select to authenticated using (user_id = (select auth.uid()));
create policy user_events_insert_own on public.user_events
  for insert to authenticated
  with check (user_id = (select auth.uid())
              and (profile_id is null or profile_id in (select public.my_profiles('emergency'))));

-- audit_log is readable by the owner (and a full_access delegate) of the profile it concerns.
create policy audit_log_select_profile on public.audit_log
  for select to authenticated
  using (patient_id in (select public.my_profiles('full_access')));
