package io.exora.queue.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.exora.db.Caller;
import io.exora.db.ConnectionSettings;
import io.exora.db.DbRole;
import io.exora.db.TestPostgres;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Jobs are infrastructure: only the service role runs the queue. A signed-in user (even an
 * operator flagged is_admin), the anonymous role and the bare runtime login get 42501 from every
 * queue function and every queue table.
 */
class QueuePrivilegesTest {
  static QueueDb db;
  static UUID user;
  static UUID job;

  /** Each statement would succeed for the service role (see the positive control below). */
  static final List<String> STATEMENTS = List.of(
      "select * from public.enqueue_job_v3('system_maintenance', 'x', '{\"a\":1}')",
      "select * from public.enqueue_jobs_v3('[{\"job_type\":\"system_maintenance\",\"job_payload\":{\"a\":1}}]')",
      "select * from public.claim_jobs_v3('w', 1)",
      "select * from public.claim_next_job_v3('w')",
      "select * from public.rescue_stale_jobs()",
      "select public.complete_job(:job, 'w', null, 1)",
      "select * from public.complete_jobs('w', array[:job]::uuid[], array[1])",
      "select * from public.heartbeat_jobs('w', array[:job]::uuid[], array[1])",
      "select public.update_job_heartbeat(:job, 'w', 1)",
      "select public.fail_job(:job, 'w', 1, 'boom')",
      "select public.reschedule_job(:job, 10, 'later')",
      "select public.cancel_job(:job)",
      "select public.retry_dead_job(:job)",
      "select public.register_worker('w', 'host', array['default'], 0)",
      "select public.prune_finished_jobs()",
      "select public.queue_setting('worker.timeout_seconds', 60)",
      "select public.raise_job_problem(null)",
      "select public.default_job_lane('ai_processing')",
      "select public.job_problem('system_maintenance', 'default', '{\"a\":1}', 'standard', 5)",
      "select public.job_limits_problem('x', 3)",
      "select public.job_lanes()",
      "select * from public.live_job_of_file('shell_file_processing', null)",
      "select * from public.finished_job(null::public.job_queue, 'completed', null, null, null)",
      "select public.rescue_stale_jobs_if_due(1)",
      "select count(*) from public.job_queue",
      "select count(*) from public.job_queue_archive",
      "select count(*) from public.job_workers",
      "select count(*) from public.job_queue_all",
      "update public.job_queue_rescue_state set last_run_at = '-infinity'",
      "insert into public.job_queue (job_type, job_lane, job_name, job_payload) values ('system_maintenance', 'default', 'x', '{\"a\":1}')",
      "update public.job_queue set priority = 1",
      "delete from public.job_queue",
      "insert into public.job_queue_archive select * from public.job_queue_archive where false",
      "delete from public.job_queue_archive",
      "insert into public.job_workers (worker_id, host, lanes) values ('w2', 'h', array['default'])",
      "update public.job_workers set active_jobs = 0");

  @BeforeAll
  static void open() {
    db = QueueDb.create();
  }

  @AfterAll
  static void close() {
    db.close();
  }

  @BeforeEach
  void reset() {
    db.reset();
    user = UUID.randomUUID();
    job = db.enqueue("system_maintenance", "{\"a\":1}");
  }

  enum Who {
    AUTHENTICATED, ADMIN_USER, ANON;

    <T> T run(HandleCallback<T, RuntimeException> work) {
      return switch (this) {
        case AUTHENTICATED -> db.asUser(user, work);
        case ADMIN_USER -> db.transactions.run(new Caller(DbRole.AUTHENTICATED,
            "{\"sub\":\"" + user + "\",\"role\":\"authenticated\",\"app_metadata\":{\"is_admin\":true}}"), "t", work);
        case ANON -> db.asAnon(work);
      };
    }

    @Override
    public String toString() {
      return name().toLowerCase();
    }
  }

  static Stream<Arguments> callersAndStatements() {
    List<Arguments> out = new ArrayList<>();
    for (Who who : Who.values()) {
      for (String sql : STATEMENTS) {
        out.add(Arguments.of(who, sql));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("callersAndStatements")
  void apiRolesAreRefused(Who who, String sql) {
    String before = allQueueRows();
    assertThatThrownBy(() -> who.run(h -> execute(h, sql)))
        .satisfies(e -> assertThat(QueueDb.sqlState(e)).as(e.getMessage()).isEqualTo("42501"))
        .hasMessageContaining("permission denied");
    assertThat(allQueueRows()).isEqualTo(before);
  }

  @Test
  void theRuntimeLoginItselfIsRefusedToo() {
    // authenticator outside a request transaction: NOINHERIT, no privileges of its own
    ConnectionSettings login = TestPostgres.runtime(db.owner);
    try (Handle h = Jdbi.create(login.jdbcUrl(), login.user(), login.password()).open()) {
      for (String sql : STATEMENTS) {
        assertThatThrownBy(() -> execute(h, sql)).as(sql)
            .satisfies(e -> assertThat(QueueDb.sqlState(e)).as(e.getMessage()).isEqualTo("42501"));
      }
    }
  }

  @Test
  void theServiceRoleRunsEveryStatement() {
    // the positive control: the refusals above are about who calls, not about the statements
    for (String sql : STATEMENTS) {
      db.service(h -> execute(h, sql));
    }
  }

  @Test
  void aUserWhoSetsAServiceRoleClaimIsStillRefused() {
    // The role comes from set_config('role'), not from the claims: a forged claim grants nothing.
    assertThatThrownBy(() -> db.transactions.run(new Caller(DbRole.AUTHENTICATED,
            "{\"sub\":\"" + user + "\",\"role\":\"service_role\"}"), "t",
        h -> execute(h, "select * from public.claim_jobs_v3('w', 1)")))
        .satisfies(e -> assertThat(QueueDb.sqlState(e)).isEqualTo("42501"));
  }

  private static Object execute(Handle h, String sql) {
    if (sql.contains(":job")) {
      return h.createQuery(sql).bind("job", job).mapToMap().list();
    }
    return sql.startsWith("select") ? h.createQuery(sql).mapToMap().list() : h.createUpdate(sql).execute();
  }

  private static String allQueueRows() {
    return db.su(h -> h.createQuery("""
            select (select coalesce(jsonb_agg(to_jsonb(q) order by q.id), '[]') from public.job_queue q)::text
                || (select coalesce(jsonb_agg(to_jsonb(a) order by a.id), '[]') from public.job_queue_archive a)::text
                || (select coalesce(jsonb_agg(to_jsonb(w) order by w.worker_id), '[]') from public.job_workers w)::text""")
        .mapTo(String.class).one());
  }
}
