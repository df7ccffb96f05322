-- Review feedback: a person confirms, corrects or rejects an extracted event. The event row takes
-- the new review_status (and the corrected values); the review itself is kept here, linked to
-- the AI generation (or the extractor version) that produced the event, so extraction quality can
-- be measured against what people said.
create table public.clinical_event_reviews (
  id                uuid        primary key default gen_random_uuid(),
  event_id          uuid        not null,
  patient_id        uuid        not null,
  reviewed_by       uuid        not null references auth.users (id) on delete cascade,
  action            text        not null check (action in ('confirmed', 'corrected', 'rejected')),
  corrections       jsonb       check (corrections is null or jsonb_typeof(corrections) = 'object'),
  note              text        check (length(note) <= 2000),
  ai_generation_id  uuid,
  extractor_version text,
  created_at        timestamptz not null default now(),
  foreign key (event_id, patient_id) references public.patient_clinical_events (id, patient_id) on delete cascade,
  constraint clinical_event_reviews_corrected_has_corrections
    check ((action = 'corrected') = (corrections is not null))
);
comment on table public.clinical_event_reviews is
  'People''s feedback on extracted events, linked to the generation or extractor that made them.';
create index clinical_event_reviews_event on public.clinical_event_reviews (event_id, patient_id);
create index clinical_event_reviews_patient on public.clinical_event_reviews (patient_id);
create index clinical_event_reviews_generation on public.clinical_event_reviews (ai_generation_id)
  where ai_generation_id is not null;

-- Readable by whoever can read the event; written by whoever may edit the patient's medical data,
-- as themselves. Reviews are history: nobody updates or deletes them (erasure cascades).
alter table public.clinical_event_reviews enable row level security;
revoke all on table public.clinical_event_reviews from public, anon, authenticated;
grant select, insert on table public.clinical_event_reviews to authenticated;
grant all on table public.clinical_event_reviews to service_role;
create policy clinical_event_reviews_select on public.clinical_event_reviews
  for select to authenticated
  using (patient_id in (select public.my_profiles('read_only')));
create policy clinical_event_reviews_insert on public.clinical_event_reviews
  for insert to authenticated
  with check (patient_id in (select public.my_profiles('read_write', 'edit_medical_data'))
              and reviewed_by = (select auth.uid()));
create trigger clinical_event_reviews_audit after insert or update or delete on public.clinical_event_reviews
  for each row execute function public.audit_row_change('clinical_data');
