package io.exora.db.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A database linter in the style of Supabase's (splinter): catalog queries that each return the
 * objects breaking one rule. The migrated schema must have none; and every rule is shown to bite
 * by a negative test that creates an offending object in a throwaway database.
 */
class CatalogLintTest {

  /** Every table in public has row-level security enabled. */
  static final String RLS_DISABLED = """
      select c.relname::text
        from pg_catalog.pg_class c
        join pg_catalog.pg_namespace n on n.oid = c.relnamespace
       where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relrowsecurity
       order by 1
      """;

  /** SECURITY DEFINER functions in public pin search_path. */
  static final String DEFINER_WITHOUT_SEARCH_PATH = """
      select p.oid::regprocedure::text
        from pg_catalog.pg_proc p
        join pg_catalog.pg_namespace n on n.oid = p.pronamespace
       where n.nspname = 'public' and p.prosecdef
         and not exists (select 1 from unnest(coalesce(p.proconfig, '{}')) s where s like 'search_path=%')
       order by 1
      """;

  /** SECURITY DEFINER functions in public are not executable by PUBLIC or anon. */
  static final String DEFINER_EXECUTABLE_BY_PUBLIC_OR_ANON = """
      select p.oid::regprocedure::text
        from pg_catalog.pg_proc p
        join pg_catalog.pg_namespace n on n.oid = p.pronamespace
       where n.nspname = 'public' and p.prosecdef
         and (pg_catalog.has_function_privilege('public', p.oid, 'EXECUTE')
              or pg_catalog.has_function_privilege('anon', p.oid, 'EXECUTE'))
       order by 1
      """;

  /**
   * SECURITY DEFINER functions that take a caller-supplied profile or user id guard it: the body
   * calls guard_caller, has_profile_access(_level), is_service_role or my_profiles (which answers
   * only for auth.uid(), so an id found in it is the caller's to use).
   */
  static final String DEFINER_WITH_UNGUARDED_ID = """
      select p.oid::regprocedure::text
        from pg_catalog.pg_proc p
        join pg_catalog.pg_namespace n on n.oid = p.pronamespace
       where n.nspname = 'public' and p.prosecdef
         and p.proargnames && array['p_profile_id', 'p_patient_id', 'p_user_id']
         and p.prosrc !~ '(guard_caller|has_profile_access(_level)?|is_service_role|my_profiles)\\s*\\('
       order by 1
      """;

  /** Policies in public name their roles; none applies to PUBLIC (which includes anon). */
  static final String POLICY_FOR_PUBLIC = """
      select pol.polname || ' on ' || c.relname
        from pg_catalog.pg_policy pol
        join pg_catalog.pg_class c on c.oid = pol.polrelid
        join pg_catalog.pg_namespace n on n.oid = c.relnamespace
       where n.nspname = 'public' and 0 = any (pol.polroles)
       order by 1
      """;

  /**
   * Views in public run with the caller's rights (security_invoker), so they cannot read past
   * RLS; a materialized view cannot, so none may exist in public.
   */
  static final String VIEW_WITHOUT_SECURITY_INVOKER = """
      select c.relname::text
        from pg_catalog.pg_class c
        join pg_catalog.pg_namespace n on n.oid = c.relnamespace
       where n.nspname = 'public'
         and (c.relkind = 'm'
              or (c.relkind = 'v'
                  and not exists (select 1 from unnest(coalesce(c.reloptions, '{}')) o
                                   where o ~* '^security_invoker=(true|on|yes|1)$')))
       order by 1
      """;

  /**
   * Every patient_id / profile_id / user_id / account_owner_id column a policy reads is the
   * leading column of a valid, non-partial index (a partial index cannot serve a policy filter
   * that does not imply its predicate). Policies record their column dependencies in pg_depend.
   */
  static final String POLICY_COLUMN_WITHOUT_INDEX = """
      select distinct c.relname || '.' || a.attname
        from pg_catalog.pg_policy pol
        join pg_catalog.pg_depend d
          on d.classid = 'pg_catalog.pg_policy'::regclass and d.objid = pol.oid
         and d.refclassid = 'pg_catalog.pg_class'::regclass and d.refobjid = pol.polrelid
         and d.refobjsubid > 0
        join pg_catalog.pg_class c on c.oid = pol.polrelid
        join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum = d.refobjsubid
       where n.nspname = 'public'
         and a.attname in ('patient_id', 'profile_id', 'user_id', 'account_owner_id')
         and not exists (select 1 from pg_catalog.pg_index i
                          where i.indrelid = c.oid and i.indkey[0] = a.attnum
                            and i.indpred is null and i.indisvalid)
       order by 1
      """;

  private static SecurityDb migrated;

  @BeforeAll
  static void migrate() {
    migrated = SecurityDb.fresh();
  }

  @AfterAll
  static void close() {
    migrated.close();
  }

  private static List<String> run(SecurityDb db, String check) {
    return db.asSuperuser(h -> h.createQuery(check).mapTo(String.class).list());
  }

  /** Creates the offending objects in a throwaway database and returns what the check finds. */
  private static List<String> offenders(String check, String ddl) {
    try (SecurityDb scratch = SecurityDb.fresh()) {
      assertThat(run(scratch, check)).as("the freshly migrated schema is clean").isEmpty();
      scratch.script(ddl);
      return run(scratch, check);
    }
  }

  // ---- the schema passes every check ------------------------------------------------------------

  @Test
  void everyTableInPublicHasRlsEnabled() {
    assertThat(run(migrated, RLS_DISABLED)).isEmpty();
  }

  @Test
  void everySecurityDefinerFunctionPinsSearchPath() {
    assertThat(run(migrated, DEFINER_WITHOUT_SEARCH_PATH)).isEmpty();
  }

  @Test
  void noSecurityDefinerFunctionIsExecutableByPublicOrAnon() {
    assertThat(run(migrated, DEFINER_EXECUTABLE_BY_PUBLIC_OR_ANON)).isEmpty();
  }

  @Test
  void everySecurityDefinerFunctionTakingAnIdGuardsIt() {
    assertThat(run(migrated, DEFINER_WITH_UNGUARDED_ID)).isEmpty();
    // The rule is not vacuous: the guarded helpers are in scope.
    List<String> inScope = migrated.asSuperuser(h -> h.createQuery("""
            select p.proname::text from pg_catalog.pg_proc p
             where p.pronamespace = 'public'::regnamespace and p.prosecdef
               and p.proargnames && array['p_profile_id', 'p_patient_id', 'p_user_id']""")
        .mapTo(String.class).list());
    assertThat(inScope).contains("has_profile_access", "has_profile_access_level",
        "get_accessible_profiles", "log_audit_event", "has_active_consent");
  }

  @Test
  void everyPolicyNamesItsRoles() {
    assertThat(run(migrated, POLICY_FOR_PUBLIC)).isEmpty();
  }

  @Test
  void noViewInPublicBypassesRls() {
    assertThat(run(migrated, VIEW_WITHOUT_SECURITY_INVOKER)).isEmpty();
  }

  @Test
  void everyPolicyFilterColumnIsIndexed() {
    assertThat(run(migrated, POLICY_COLUMN_WITHOUT_INDEX)).isEmpty();
    // Not vacuous: pg_depend does record the policy columns.
    long policyColumns = migrated.asSuperuser(h -> h.createQuery("""
            select count(distinct (d.refobjid, d.refobjsubid)) from pg_catalog.pg_depend d
             where d.classid = 'pg_catalog.pg_policy'::regclass and d.refobjsubid > 0""")
        .mapTo(Long.class).one());
    assertThat(policyColumns).isGreaterThanOrEqualTo(15);
  }

  // ---- every check can fail ---------------------------------------------------------------------

  // Each check is able to fail: an offending object in a throwaway database is reported.

  @Test
  void findsATableWithoutRls() {
    assertThat(offenders(RLS_DISABLED, "create table public.lint_open (id int primary key)"))
        .containsExactly("lint_open");
  }

  @Test
  void findsASecurityDefinerFunctionWithoutSearchPath() {
    assertThat(offenders(DEFINER_WITHOUT_SEARCH_PATH, """
        create function public.lint_unpinned() returns int language sql security definer as 'select 1';
        revoke all on function public.lint_unpinned() from public;
        """)).containsExactly("lint_unpinned()");
  }

  @Test
  void findsASecurityDefinerFunctionExecutableByPublic() {
    assertThat(offenders(DEFINER_EXECUTABLE_BY_PUBLIC_OR_ANON, """
        create function public.lint_for_everyone() returns int language sql security definer
          set search_path = '' as 'select 1';
        grant execute on function public.lint_for_everyone() to public;
        """)).containsExactly("lint_for_everyone()");
  }

  @Test
  void findsASecurityDefinerFunctionExecutableByAnon() {
    assertThat(offenders(DEFINER_EXECUTABLE_BY_PUBLIC_OR_ANON, """
        create function public.lint_for_anon() returns int language sql security definer
          set search_path = '' as 'select 1';
        revoke all on function public.lint_for_anon() from public;
        grant execute on function public.lint_for_anon() to anon;
        """)).containsExactly("lint_for_anon()");
  }

  @Test
  void findsASecurityDefinerFunctionTakingAnUnguardedProfileId() {
    assertThat(offenders(DEFINER_WITH_UNGUARDED_ID, """
        create function public.lint_peek(p_profile_id uuid) returns bigint language sql stable
          security definer set search_path = ''
          as 'select count(*) from public.patient_allergies a where a.patient_id = p_profile_id';
        revoke all on function public.lint_peek(uuid) from public, anon;
        -- Guarded functions with the same argument are not reported.
        create function public.lint_guarded(p_user_id uuid) returns void language plpgsql
          security definer set search_path = ''
          as $$ begin perform public.guard_caller(p_user_id); end $$;
        revoke all on function public.lint_guarded(uuid) from public, anon;
        """)).containsExactly("lint_peek(uuid)");
  }

  @Test
  void findsAPolicyForPublic() {
    assertThat(offenders(POLICY_FOR_PUBLIC,
        "create policy lint_everyone on public.feature_flags for select using (true)"))
        .containsExactly("lint_everyone on feature_flags");
  }

  @Test
  void findsAViewWithoutSecurityInvokerAndAMaterializedView() {
    assertThat(offenders(VIEW_WITHOUT_SECURITY_INVOKER, """
        create view public.lint_definer_view as select id from public.user_profiles;
        create view public.lint_invoker_view with (security_invoker = true) as select id from public.user_profiles;
        create materialized view public.lint_matview as select id from public.user_profiles;
        """)).containsExactly("lint_definer_view", "lint_matview");
  }

  @Test
  void findsAPolicyColumnWithoutAnIndexOrWithOnlyAPartialOne() {
    assertThat(offenders(POLICY_COLUMN_WITHOUT_INDEX, """
        create table public.lint_notes (
          id uuid primary key,
          patient_id uuid not null,
          user_id uuid not null,
          deleted_at timestamptz);
        alter table public.lint_notes enable row level security;
        create index lint_notes_user_live on public.lint_notes (user_id) where deleted_at is null;
        create policy lint_notes_select on public.lint_notes for select to authenticated
          using (patient_id in (select public.my_profiles('read_only')) or user_id = (select auth.uid()));
        """)).containsExactly("lint_notes.patient_id", "lint_notes.user_id");
  }
}
