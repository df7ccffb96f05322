-- The auth layer: the roles, schema and helper functions that Supabase provides.
--
-- Why: Exora runs on a plain PostgreSQL (embedded or external) and on a Supabase project's
-- database. Supabase already has everything in this file; a plain database has none of it.
-- Each object is created only where it is absent, so the same file applies to both and never
-- replaces Supabase's own definitions.
--
-- Request model (PostgREST's): the application connects as `authenticator` (LOGIN, NOINHERIT, so
-- it has no table privileges of its own) and every transaction starts with
--   select set_config('role', 'authenticated', true), set_config('request.jwt.claims', <json>, true)
-- so that row-level security is decided by PostgreSQL for the verified caller.

do $$
begin
  if not exists (select 1 from pg_catalog.pg_roles where rolname = 'anon') then
    create role anon nologin noinherit;
  end if;
  if not exists (select 1 from pg_catalog.pg_roles where rolname = 'authenticated') then
    create role authenticated nologin noinherit;
  end if;
  if not exists (select 1 from pg_catalog.pg_roles where rolname = 'service_role') then
    create role service_role nologin noinherit bypassrls;
  end if;
  if not exists (select 1 from pg_catalog.pg_roles where rolname = 'authenticator') then
    create role authenticator login noinherit;
  end if;
end
$$;

grant anon, authenticated, service_role to authenticator;

create schema if not exists auth;
grant usage on schema auth to anon, authenticated, service_role;

-- auth.users: the login. Supabase's table has many more columns; these are the ones Exora uses,
-- with Supabase's names and types so a Supabase database satisfies them as it is.
do $$
begin
  if to_regclass('auth.users') is null then
    create table auth.users (
      id                 uuid        primary key default gen_random_uuid(),
      aud                varchar(255) not null default 'authenticated',
      role               varchar(255) not null default 'authenticated',
      email              varchar(255) not null,
      encrypted_password varchar(255) not null,
      email_confirmed_at timestamptz,
      last_sign_in_at    timestamptz,
      raw_app_meta_data  jsonb       not null default '{}'::jsonb,
      raw_user_meta_data jsonb       not null default '{}'::jsonb,
      created_at         timestamptz not null default now(),
      updated_at         timestamptz not null default now(),
      constraint users_email_is_trimmed check (email = btrim(email) and email <> '')
    );
    -- One account per address, whatever its case.
    create unique index users_email_lower_key on auth.users (lower(email));
    revoke all on table auth.users from public, anon, authenticated;
    -- The server's signup and sign-in paths act as service_role.
    grant select, insert, update on table auth.users to service_role;
    comment on table auth.users is
      'Logins (Supabase-compatible subset). Written only by the server''s signup path.';
  end if;
end
$$;

-- auth.uid(), auth.role() and auth.jwt() exactly as Supabase defines them: they read the
-- transaction-local claims, treat an empty setting as absent (nullif) and only then cast.
do $$
begin
  if to_regprocedure('auth.uid()') is null then
    create function auth.uid() returns uuid
      language sql stable
      as $fn$
        select coalesce(
          nullif(current_setting('request.jwt.claim.sub', true), ''),
          (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
        )::uuid
      $fn$;
    comment on function auth.uid() is 'The caller''s user id (the JWT sub), or null.';
  end if;

  if to_regprocedure('auth.role()') is null then
    create function auth.role() returns text
      language sql stable
      as $fn$
        select coalesce(
          nullif(current_setting('request.jwt.claim.role', true), ''),
          (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
        )::text
      $fn$;
    comment on function auth.role() is 'The caller''s role claim, or null.';
  end if;

  if to_regprocedure('auth.jwt()') is null then
    create function auth.jwt() returns jsonb
      language sql stable
      as $fn$
        select coalesce(
          nullif(current_setting('request.jwt.claim', true), ''),
          nullif(current_setting('request.jwt.claims', true), '')
        )::jsonb
      $fn$;
    comment on function auth.jwt() is 'The caller''s verified JWT claims, or null.';
  end if;
end
$$;

grant execute on function auth.uid(), auth.role(), auth.jwt() to anon, authenticated, service_role;
