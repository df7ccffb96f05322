-- Clinical core (the original's 03): uploaded documents (shell files), the clinical event hub and
-- its detail tables.
--
-- Every row carries patient_id (a user_profiles id) so that one kind of policy covers them all:
--   read   patient_id in my_profiles('read_only')                      (emergency: see below)
--   write  patient_id in my_profiles('read_write', 'edit_medical_data')
-- Detail rows repeat their event's patient_id; a composite foreign key keeps the two equal.
-- Rows are never hard-deleted by users: they set deleted_at (erasure is a service-role path).

create table public.shell_files (
  id                      uuid        primary key default gen_random_uuid(),
  patient_id              uuid        not null references public.user_profiles (id) on delete cascade,
  uploaded_by             uuid        references auth.users (id) on delete set null,
  filename                text        not null check (length(filename) between 1 and 255),
  original_filename       text        not null check (length(original_filename) between 1 and 1024),
  file_size_bytes         bigint      not null check (file_size_bytes >= 0),
  mime_type               text        not null,
  storage_path            text        not null,
  sha256                  text        check (sha256 ~ '^[0-9a-f]{64}$'),
  status                  text        not null default 'uploaded'
    check (status in ('uploaded', 'processing', 'completed', 'failed')),
  processing_started_at   timestamptz,
  processing_completed_at timestamptz,
  -- {code, message, stage, retryable}: machine-readable, never a stack trace.
  processing_error        jsonb
    check (processing_error is null
           or (jsonb_typeof(processing_error) = 'object'
               and processing_error ? 'code' and processing_error ? 'message')),
  idempotency_key         text        check (length(idempotency_key) between 1 and 255),
  document_type           text,
  extracted_text          text,
  ocr_confidence          numeric(5, 4) check (ocr_confidence between 0 and 1),
  page_count              integer     check (page_count >= 0),
  processing_job_id       uuid,
  processing_worker_id    text,
  clinical_event_count    integer     not null default 0 check (clinical_event_count >= 0),
  deleted_at              timestamptz,
  deleted_by              uuid        references auth.users (id) on delete set null,
  created_at              timestamptz not null default now(),
  updated_at              timestamptz not null default now(),
  constraint shell_files_deleted_by_needs_deleted_at check (deleted_by is null or deleted_at is not null),
  constraint shell_files_failed_has_error check (status <> 'failed' or processing_error is not null)
);
comment on table public.shell_files is 'One uploaded document and its processing state.';
-- One upload per idempotency key per uploader (defect 6 is handled with ON CONFLICT against it).
create unique index shell_files_uploader_idempotency_key
  on public.shell_files (uploaded_by, idempotency_key) where idempotency_key is not null;
create index shell_files_patient_created on public.shell_files (patient_id, created_at desc);
create trigger shell_files_updated_at before update on public.shell_files
  for each row execute function public.set_updated_at();
create trigger shell_files_audit after insert or update or delete on public.shell_files
  for each row execute function public.audit_row_change('document');

create table public.healthcare_encounters (
  id             uuid        primary key default gen_random_uuid(),
  patient_id     uuid        not null references public.user_profiles (id) on delete cascade,
  shell_file_id  uuid        references public.shell_files (id) on delete cascade,
  encounter_type text        not null
    check (encounter_type in ('outpatient', 'inpatient', 'emergency', 'telehealth', 'home', 'other')),
  encounter_date timestamptz not null,
  end_date       timestamptz check (end_date >= encounter_date),
  provider_name  text,
  facility_name  text,
  specialty      text,
  reason         text,
  summary        text,
  deleted_at     timestamptz,
  created_at     timestamptz not null default now(),
  updated_at     timestamptz not null default now()
);
comment on table public.healthcare_encounters is 'Visits and admissions that clinical events belong to.';
create index healthcare_encounters_patient_date on public.healthcare_encounters (patient_id, encounter_date desc);
create index healthcare_encounters_shell_file on public.healthcare_encounters (shell_file_id);

-- The hub: one clinical event (a measurement, a diagnosis, a prescription, a vaccination...).
create table public.patient_clinical_events (
  id                uuid        primary key default gen_random_uuid(),
  patient_id        uuid        not null references public.user_profiles (id) on delete cascade,
  shell_file_id     uuid        references public.shell_files (id) on delete cascade,
  encounter_id      uuid        references public.healthcare_encounters (id) on delete set null,
  activity_type     text        not null check (activity_type in ('observation', 'intervention')),
  clinical_purposes text[]      not null default '{}'
    check (clinical_purposes <@ array['screening', 'diagnostic', 'therapeutic', 'monitoring',
                                      'preventive']::text[]),
  event_type        text        not null
    check (event_type in ('lab_result', 'vital_sign', 'medication', 'condition', 'allergy',
                          'immunization', 'procedure', 'observation')),
  event_name        text        not null check (length(event_name) between 1 and 500),
  method            text,
  body_site         text,
  snomed_code       text,
  loinc_code        text,
  cpt_code          text,
  icd10_code        text,
  event_date        timestamptz not null,
  performed_by      text,
  -- Provenance: which extractor (name@version) or AI generation produced the row.
  extractor_version text,
  ai_generation_id  uuid,
  ai_extracted      boolean     not null default false,
  ai_confidence     numeric(4, 3) check (ai_confidence between 0 and 1),
  requires_review   boolean     not null default false,
  review_status     text        not null default 'unreviewed'
    check (review_status in ('unreviewed', 'confirmed', 'corrected', 'rejected')),
  archived          boolean     not null default false,
  deleted_at        timestamptz,
  deleted_by        uuid        references auth.users (id) on delete set null,
  created_at        timestamptz not null default now(),
  updated_at        timestamptz not null default now(),
  unique (id, patient_id)
);
comment on table public.patient_clinical_events is 'The clinical event hub; details live in the patient_* tables.';
-- The policy column needs a plain index: the policies (and the cascade from user_profiles) do not
-- say deleted_at is null, so they cannot use the partial timeline indexes below.
create index patient_clinical_events_patient on public.patient_clinical_events (patient_id);
create index patient_clinical_events_patient_date
  on public.patient_clinical_events (patient_id, event_date desc) where deleted_at is null;
create index patient_clinical_events_patient_type
  on public.patient_clinical_events (patient_id, event_type, event_date desc) where deleted_at is null;
create index patient_clinical_events_shell_file on public.patient_clinical_events (shell_file_id);

create table public.patient_observations (
  id                   uuid    primary key default gen_random_uuid(),
  event_id             uuid    not null,
  patient_id           uuid    not null,
  observation_type     text    not null
    check (observation_type in ('lab_result', 'physical_finding', 'assessment', 'imaging', 'other')),
  value_text           text,
  value_numeric        numeric,
  unit                 text,
  reference_range_low  numeric,
  reference_range_high numeric,
  reference_range_text text,
  interpretation       text    check (interpretation in ('normal', 'low', 'high', 'critical_low',
                                                          'critical_high', 'abnormal')),
  loinc_code           text,
  specimen             text,
  created_at           timestamptz not null default now(),
  updated_at           timestamptz not null default now(),
  foreign key (event_id, patient_id) references public.patient_clinical_events (id, patient_id) on delete cascade,
  check (value_text is not null or value_numeric is not null),
  check (reference_range_low is null or reference_range_high is null or reference_range_low <= reference_range_high)
);
comment on table public.patient_observations is 'Lab results and other observations with values, units and reference ranges.';

create table public.patient_vitals (
  id              uuid    primary key default gen_random_uuid(),
  event_id        uuid    not null,
  patient_id      uuid    not null,
  vital_type      text    not null
    check (vital_type in ('blood_pressure', 'heart_rate', 'temperature', 'respiratory_rate',
                          'oxygen_saturation', 'weight', 'height', 'bmi', 'blood_glucose',
                          'head_circumference', 'pain_score')),
  value_numeric   numeric not null,
  value_secondary numeric,  -- the diastolic pressure when vital_type = blood_pressure
  unit            text    not null,
  position        text,
  loinc_code      text,
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now(),
  foreign key (event_id, patient_id) references public.patient_clinical_events (id, patient_id) on delete cascade,
  check ((vital_type = 'blood_pressure') = (value_secondary is not null))
);
comment on table public.patient_vitals is 'Vital signs; blood pressure keeps systolic in value_numeric and diastolic in value_secondary.';

create table public.patient_medications (
  id              uuid    primary key default gen_random_uuid(),
  event_id        uuid    not null,
  patient_id      uuid    not null,
  medication_name text    not null check (length(medication_name) between 1 and 500),
  rxnorm_code     text,
  strength        text,
  dose_amount     numeric check (dose_amount > 0),
  dose_unit       text,
  route           text,
  frequency       text,
  start_date      date,
  end_date        date    check (end_date >= start_date),
  status          text    not null default 'active'
    check (status in ('active', 'completed', 'stopped', 'on_hold', 'unknown')),
  prescriber      text,
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now(),
  foreign key (event_id, patient_id) references public.patient_clinical_events (id, patient_id) on delete cascade
);
comment on table public.patient_medications is 'Medications with dose, route and frequency (RxNorm where known).';

create table public.patient_conditions (
  id             uuid primary key default gen_random_uuid(),
  event_id       uuid not null,
  patient_id     uuid not null,
  condition_name text not null check (length(condition_name) between 1 and 500),
  icd10_code     text,
  snomed_code    text,
  status         text not null default 'active'
    check (status in ('active', 'resolved', 'inactive', 'remission', 'unknown')),
  severity       text check (severity in ('mild', 'moderate', 'severe')),
  onset_date     date,
  resolved_date  date check (resolved_date >= onset_date),
  created_at     timestamptz not null default now(),
  updated_at     timestamptz not null default now(),
  foreign key (event_id, patient_id) references public.patient_clinical_events (id, patient_id) on delete cascade
);
comment on table public.patient_conditions is 'Diagnoses and problems (ICD-10 or SNOMED where known).';

create table public.patient_allergies (
  id            uuid primary key default gen_random_uuid(),
  event_id      uuid not null,
  patient_id    uuid not null,
  allergen      text not null check (length(allergen) between 1 and 500),
  allergen_type text check (allergen_type in ('medication', 'food', 'environmental', 'other')),
  reaction      text,
  severity      text check (severity in ('mild', 'moderate', 'severe', 'life_threatening')),
  status        text not null default 'active' check (status in ('active', 'inactive', 'resolved')),
  snomed_code   text,
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now(),
  foreign key (event_id, patient_id) references public.patient_clinical_events (id, patient_id) on delete cascade
);
comment on table public.patient_allergies is 'Allergies and intolerances with their reactions.';

create table public.patient_immunizations (
  id               uuid    primary key default gen_random_uuid(),
  event_id         uuid    not null,
  patient_id       uuid    not null,
  vaccine_name     text    not null check (length(vaccine_name) between 1 and 500),
  cvx_code         text,
  administered_date date,
  dose_number      integer check (dose_number > 0),
  lot_number       text,
  site             text,
  route            text,
  manufacturer     text,
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now(),
  foreign key (event_id, patient_id) references public.patient_clinical_events (id, patient_id) on delete cascade
);
comment on table public.patient_immunizations is 'Vaccinations (CVX where known).';

create table public.patient_interventions (
  id                uuid primary key default gen_random_uuid(),
  event_id          uuid not null,
  patient_id        uuid not null,
  intervention_type text not null
    check (intervention_type in ('procedure', 'therapy', 'medication_administration', 'surgery', 'other')),
  substance_name    text,
  dose_amount       numeric check (dose_amount > 0),
  dose_unit         text,
  route             text,
  technique         text,
  outcome           text,
  created_at        timestamptz not null default now(),
  updated_at        timestamptz not null default now(),
  foreign key (event_id, patient_id) references public.patient_clinical_events (id, patient_id) on delete cascade
);
comment on table public.patient_interventions is 'Procedures, therapies and administrations.';

-- Shared plumbing for the hub, encounters and detail tables: indexes on the policy and join
-- columns, updated_at, audit, grants and the two-rule policy set. Emergency delegates may read the
-- emergency summary (allergies, conditions, medications, immunizations) and nothing else.
do $$
declare
  t text;
  read_level text;
begin
  foreach t in array array['healthcare_encounters', 'patient_clinical_events', 'patient_observations',
                           'patient_vitals', 'patient_medications', 'patient_conditions',
                           'patient_allergies', 'patient_immunizations', 'patient_interventions']
  loop
    read_level := case when t in ('patient_allergies', 'patient_conditions', 'patient_medications',
                                  'patient_immunizations')
                       then 'emergency' else 'read_only' end;
    if t not in ('healthcare_encounters', 'patient_clinical_events') then
      execute format('create index %I on public.%I (event_id, patient_id)', t || '_event', t);
      execute format('create index %I on public.%I (patient_id)', t || '_patient', t);
    end if;
    execute format('create trigger %I before update on public.%I
                      for each row execute function public.set_updated_at()', t || '_updated_at', t);
    execute format('create trigger %I after insert or update or delete on public.%I
                      for each row execute function public.audit_row_change(''clinical_data'')',
                   t || '_audit', t);
    execute format('alter table public.%I enable row level security', t);
    execute format('revoke all on table public.%I from public, anon, authenticated', t);
    execute format('grant select, insert, update on table public.%I to authenticated', t);
    execute format('grant all on table public.%I to service_role', t);
    execute format('create policy %I on public.%I for select to authenticated
                      using (patient_id in (select public.my_profiles(%L)))',
                   t || '_select', t, read_level);
    execute format('create policy %I on public.%I for insert to authenticated
                      with check (patient_id in (select public.my_profiles(''read_write'', ''edit_medical_data'')))',
                   t || '_insert', t);
    execute format('create policy %I on public.%I for update to authenticated
                      using (patient_id in (select public.my_profiles(''read_write'', ''edit_medical_data'')))
                      with check (patient_id in (select public.my_profiles(''read_write'', ''edit_medical_data'')))',
                   t || '_update', t);
  end loop;
end
$$;

-- shell_files: reading needs view_documents; uploading needs upload_documents. Status and
-- extraction columns are written by the workers (service role); a person changes a file only to
-- soft-delete it, which needs full access (or ownership).
alter table public.shell_files enable row level security;
revoke all on table public.shell_files from public, anon, authenticated;
grant select, insert on table public.shell_files to authenticated;
grant update (deleted_at, deleted_by) on table public.shell_files to authenticated;
grant all on table public.shell_files to service_role;
create policy shell_files_select on public.shell_files
  for select to authenticated
  using (patient_id in (select public.my_profiles('read_only', 'view_documents')));
create policy shell_files_insert on public.shell_files
  for insert to authenticated
  with check (patient_id in (select public.my_profiles('read_write', 'upload_documents'))
              and uploaded_by = (select auth.uid()));
create policy shell_files_soft_delete on public.shell_files
  for update to authenticated
  using (patient_id in (select public.my_profiles('full_access')))
  with check (patient_id in (select public.my_profiles('full_access')));

-- clinical_event_count: a counter cache on shell_files of its live (not soft-deleted) events,
-- kept by trigger so no writer can forget it. Runs as the owner: the writer of an event may not
-- have update rights on the file row.
create function public.maintain_clinical_event_count() returns trigger
  language plpgsql
  security definer
  set search_path = ''
  as $$
declare
  v_old_file uuid;  -- the file the row counted towards before, if it was live
  v_new_file uuid;  -- the file the row counts towards now, if it is live
begin
  if tg_op in ('UPDATE', 'DELETE') then
    if old.deleted_at is null then v_old_file := old.shell_file_id; end if;
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    if new.deleted_at is null then v_new_file := new.shell_file_id; end if;
  end if;
  if v_old_file is not distinct from v_new_file then
    return null;
  end if;
  if v_old_file is not null then
    update public.shell_files set clinical_event_count = clinical_event_count - 1 where id = v_old_file;
  end if;
  if v_new_file is not null then
    update public.shell_files set clinical_event_count = clinical_event_count + 1 where id = v_new_file;
  end if;
  return null;
end
$$;
comment on function public.maintain_clinical_event_count() is
  'AFTER ROW trigger on patient_clinical_events: keeps shell_files.clinical_event_count equal to its live events.';
revoke all on function public.maintain_clinical_event_count() from public, anon, authenticated;
create trigger patient_clinical_events_count
  after insert or update of shell_file_id, deleted_at or delete on public.patient_clinical_events
  for each row execute function public.maintain_clinical_event_count();
