-- Runs after every migrate. Flyway's history table lives in public, and every table in public
-- has RLS on and is closed to the API roles.
alter table public.flyway_schema_history enable row level security;
revoke all on table public.flyway_schema_history from public, anon, authenticated;
