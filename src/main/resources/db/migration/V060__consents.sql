-- Consents (the original's 06 security): what a patient (or their guardian) has agreed to.
-- AI processing of a profile's documents needs a granted, unexpired, unwithdrawn `ai_processing`
-- consent; has_active_consent() is the one place that decides it.

create table public.patient_consents (
  id              uuid        primary key default gen_random_uuid(),
  patient_id      uuid        not null references public.user_profiles (id) on delete cascade,
  consent_type    text        not null
    check (consent_type in ('ai_processing', 'data_sharing', 'research', 'provider_access',
                            'emergency_access', 'marketing')),
  granted         boolean     not null,
  granted_at      timestamptz not null default now(),
  expires_at      timestamptz,
  withdrawn_at    timestamptz,
  recorded_by     uuid        default auth.uid() references auth.users (id) on delete set null,
  consent_version text        not null default '1',
  purpose         text,
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now(),
  constraint patient_consents_window check (expires_at is null or expires_at > granted_at),
  constraint patient_consents_withdrawal check (withdrawn_at is null or withdrawn_at >= granted_at)
);
comment on table public.patient_consents is 'Consent decisions per profile and purpose; the newest row of a type is the current one.';
create index patient_consents_patient_type on public.patient_consents (patient_id, consent_type, granted_at desc);
create trigger patient_consents_updated_at before update on public.patient_consents
  for each row execute function public.set_updated_at();
create trigger patient_consents_audit after insert or update or delete on public.patient_consents
  for each row execute function public.audit_row_change('consent');

alter table public.patient_consents enable row level security;
revoke all on table public.patient_consents from public, anon, authenticated;
grant select, insert, update on table public.patient_consents to authenticated;
grant all on table public.patient_consents to service_role;
create policy patient_consents_select on public.patient_consents
  for select to authenticated
  using (patient_id in (select public.my_profiles('read_only')));
-- Consent is the patient's decision: only the owner or a full_access guardian records it.
create policy patient_consents_insert on public.patient_consents
  for insert to authenticated
  with check (patient_id in (select public.my_profiles('full_access')));
create policy patient_consents_update on public.patient_consents
  for update to authenticated
  using (patient_id in (select public.my_profiles('full_access')))
  with check (patient_id in (select public.my_profiles('full_access')));

-- has_active_consent(profile, type): the newest consent row of that type grants, has started,
-- has not expired and was not withdrawn. Guarded: the caller must reach the profile.
create function public.has_active_consent(p_profile_id uuid, p_consent_type text) returns boolean
  language plpgsql stable
  security definer
  set search_path = ''
  as $$
begin
  if not public.is_service_role() and not public.has_profile_access(auth.uid(), p_profile_id) then
    raise exception 'no access to profile %', p_profile_id using errcode = '42501';
  end if;
  return coalesce((
    select c.granted and c.withdrawn_at is null and c.granted_at <= now()
           and (c.expires_at is null or c.expires_at > now())
      from public.patient_consents c
     where c.patient_id = p_profile_id and c.consent_type = p_consent_type
     order by c.granted_at desc, c.created_at desc
     limit 1), false);
end
$$;
comment on function public.has_active_consent(uuid, text) is
  'True when the newest consent of the type is granted, started, unexpired and not withdrawn. Guarded by has_profile_access.';
revoke all on function public.has_active_consent(uuid, text) from public, anon;
grant execute on function public.has_active_consent(uuid, text) to authenticated, service_role;
