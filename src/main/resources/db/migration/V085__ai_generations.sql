-- AI generations (the original's 04 AI processing, call level): one row per call of the AI
-- provider layer (io.exora.ai), succeeded or failed, so that every extracted event can be traced to
-- the prompt, model and parameters that produced it, and every call can be metered and re-rated.
--
-- * Written by the workers (service role), in the same transaction as the job's effects
--   (io.exora.ai.AiGenerations), so a row exists exactly when the job's outcome committed.
-- * Append-only: nobody updates or deletes a row. A profile's rows go with the profile (cascade);
--   a shell file's erasure keeps the row (the cost was incurred) and clears the link.
-- * Read by the profile's owner and by grantees at read_only and above: the emergency level sees
--   the emergency summary only, not which documents were processed.
-- * No document content is stored here: prompts are recorded by name and version, the schema by
--   its hash (parameters.schema_sha256), so this table never holds health data.

create table public.ai_generations (
  id                 uuid        primary key default gen_random_uuid(),
  profile_id         uuid        not null references public.user_profiles (id) on delete cascade,
  shell_file_id      uuid        references public.shell_files (id) on delete set null,
  -- No foreign key: finished jobs move to job_queue_archive and are eventually deleted.
  job_id             uuid,
  -- The job's attempt (its fencing token) when the call ran inside a job.
  job_attempt        integer     check (job_attempt >= 1),
  provider           text        not null check (provider in ('local', 'openai', 'anthropic', 'google')),
  model_requested    text        not null check (length(model_requested) between 1 and 200),
  model_returned     text        check (length(model_returned) between 1 and 200),
  prompt_name        text        not null check (length(prompt_name) between 1 and 64),
  prompt_version     text        not null check (length(prompt_version) between 1 and 50),
  -- max_output_tokens, temperature, text_chars, pages, schema_sha256 (layout: metadata_version).
  parameters         jsonb       not null default '{}'::jsonb check (jsonb_typeof(parameters) = 'object'),
  -- input_tokens counts every input token, cached ones included; cached_tokens is that part.
  input_tokens       bigint      not null default 0 check (input_tokens >= 0),
  output_tokens      bigint      not null default 0 check (output_tokens >= 0),
  cached_tokens      bigint      not null default 0 check (cached_tokens >= 0),
  -- Exact (unrounded) cost in the price table's currency; null when the model has no price.
  cost               numeric     check (cost >= 0),
  price_version      text        not null check (length(price_version) between 1 and 50),
  latency_ms         bigint      not null check (latency_ms >= 0),
  -- HTTP calls made by the provider's retry policy, the first included.
  attempts           integer     not null check (attempts between 1 and 100),
  status             text        not null check (status in ('succeeded', 'failed')),
  error_code         text        check (error_code in ('rate_limited', 'overloaded', 'server_error',
                                                       'bad_request', 'unauthorized', 'timeout', 'network',
                                                       'malformed_response', 'schema_violation')),
  -- The last response's limit signal (io.exora.ratelimit.VendorSignal): status, request and token
  -- limits, remaining counts, resets and retry_at.
  rate_limit_headers jsonb       check (jsonb_typeof(rate_limit_headers) = 'object'),
  -- The layout version of parameters and rate_limit_headers.
  metadata_version   smallint    not null default 1 check (metadata_version >= 1),
  created_at         timestamptz not null default now(),
  constraint ai_generations_cached_within_input check (cached_tokens <= input_tokens),
  constraint ai_generations_failed_has_code check ((status = 'failed') = (error_code is not null)),
  constraint ai_generations_succeeded_names_model check (status <> 'succeeded' or model_returned is not null)
);
comment on table public.ai_generations is
  'One row per AI provider call: prompt, model, parameters, tokens, cost at a price version, outcome.';

-- The policy column leads (a profile's history, newest first); the job and file links are looked
-- up when tracing a result and when a shell file is erased (the set-null action).
create index ai_generations_profile_created on public.ai_generations (profile_id, created_at desc);
create index ai_generations_job on public.ai_generations (job_id) where job_id is not null;
create index ai_generations_shell_file on public.ai_generations (shell_file_id) where shell_file_id is not null;

alter table public.ai_generations enable row level security;
revoke all on table public.ai_generations from public, anon, authenticated;
grant select on table public.ai_generations to authenticated;
grant select, insert on table public.ai_generations to service_role;
create policy ai_generations_select on public.ai_generations
  for select to authenticated
  using (profile_id in (select public.my_profiles('read_only')));
