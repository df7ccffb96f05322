package io.exora.db.security;

import io.exora.db.ConnectionSettings;
import io.exora.db.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Shared plumbing of the database security tests: a migrated database, its two logins, and
 * "as(caller)" transactions that switch identity exactly as the application's request transaction
 * does (src/main/java/io/exora/db/RequestTransactions.java): one statement of transaction-local
 * {@code set_config} calls for the role, the verified claims and the correlation id, over the
 * {@code authenticator} login.
 */
final class SecurityDb implements AutoCloseable {

  /** The request transaction's first statement, verbatim. */
  static final String START = """
      select set_config('role', :role, true) as role,
             set_config('request.jwt.claims', :claims, true) as claims,
             set_config('exora.correlation_id', :correlationId, true) as correlation_id
      """;

  /** insufficient_privilege: a missing GRANT, an RLS WITH CHECK violation or a guard refusal. */
  static final String DENIED = "42501";

  /** Who a transaction acts as: the role to set and the claims JSON auth.uid()/auth.jwt() read. */
  record Who(String label, String role, String claims, UUID userId) {
    static Who user(String label, UUID id) {
      return new Who(label, "authenticated",
          "{\"sub\":\"" + id + "\",\"role\":\"authenticated\",\"aud\":\"authenticated\"}", id);
    }

    /** An operator: a signed-in user whose verified token carries app_metadata.is_admin. */
    static Who admin(String label, UUID id) {
      return new Who(label, "authenticated",
          "{\"sub\":\"" + id + "\",\"role\":\"authenticated\",\"aud\":\"authenticated\","
              + "\"app_metadata\":{\"is_admin\":true}}", id);
    }

    static Who anon() {
      return new Who("anon", "anon", "{\"role\":\"anon\"}", null);
    }

    static Who serviceRole() {
      return new Who("service_role", "service_role", "{\"role\":\"service_role\"}", null);
    }

    @Override
    public String toString() {
      return label;
    }
  }

  @FunctionalInterface
  interface Work<T> {
    T run(Handle h) throws Exception;
  }

  final ConnectionSettings owner;
  final Jdbi superuser;
  final Jdbi runtime;
  private Handle sharedRuntimeHandle;

  private SecurityDb(ConnectionSettings owner) {
    this.owner = owner;
    this.superuser = Jdbi.create(owner.jdbcUrl(), owner.user(), owner.password());
    ConnectionSettings rt = TestPostgres.runtime(owner);
    this.runtime = Jdbi.create(rt.jdbcUrl(), rt.user(), rt.password());
  }

  /** A fresh, fully migrated database. */
  static SecurityDb fresh() {
    return new SecurityDb(TestPostgres.newDatabase());
  }

  /** Stable, readable ids: the same name always gives the same uuid. */
  static UUID id(String name) {
    return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
  }

  // ---- fixtures, written as the superuser and committed ----------------------------------------

  /** When a grant counts: only LIVE grants give access. */
  enum Window {
    LIVE("now() - interval '10 days'", "null", "null"),
    REVOKED("now() - interval '10 days'", "null", "now() - interval '1 day'"),
    EXPIRED("now() - interval '10 days'", "now() - interval '1 day'", "null"),
    PENDING("now() + interval '1 day'", "null", "null");

    final String start;
    final String end;
    final String revokedAt;

    Window(String start, String end, String revokedAt) {
      this.start = start;
      this.end = end;
      this.revokedAt = revokedAt;
    }
  }

  /** A login in auth.users with a stable id derived from {@code name}. */
  UUID user(String name) {
    UUID id = id(name);
    exec("insert into auth.users (id, email, encrypted_password) values (?, ?, 'x')",
        id, id + "@security.test");
    return id;
  }

  /** A (child) profile owned by {@code owner}. */
  UUID profile(UUID owner, String name) {
    UUID id = id(name);
    exec("insert into public.user_profiles (id, account_owner_id, profile_type, display_name) "
        + "values (?, ?, 'child', ?)", id, owner, name);
    return id;
  }

  /** A grant; {@code flags} are the names of the can_* columns to set (the others: false). */
  void grant(UUID profile, UUID user, String level, Window window, String... flags) {
    List<String> set = List.of(flags);
    exec("insert into public.profile_access_permissions (profile_id, user_id, permission_level, "
            + "can_view_documents, can_upload_documents, can_edit_medical_data, can_share_data, "
            + "can_manage_permissions, access_start_date, access_end_date, revoked_at) "
            + "values (?, ?, ?::public.access_level_type, ?, ?, ?, ?, ?, "
            + window.start + ", " + window.end + ", " + window.revokedAt + ")",
        profile, user, level, set.contains("can_view_documents"), set.contains("can_upload_documents"),
        set.contains("can_edit_medical_data"), set.contains("can_share_data"),
        set.contains("can_manage_permissions"));
  }

  /** Runs SQL as the superuser (fixtures), committed. */
  void exec(String sql, Object... positionalArgs) {
    superuser.useHandle(h -> {
      var update = h.createUpdate(sql);
      for (int i = 0; i < positionalArgs.length; i++) {
        update.bind(i, positionalArgs[i]);
      }
      update.execute();
    });
  }

  /** Runs a multi-statement SQL script as the superuser, committed (one JDBC execute). */
  void script(String script) {
    TestPostgres.execute(owner, script);
  }

  /** Runs {@code work} on a superuser handle (fixtures, catalog queries, checking what was stored). */
  <T> T asSuperuser(Work<T> work) {
    return superuser.withHandle(h -> {
      try {
        return work.run(h);
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  /** Opens (once) a long-lived authenticator handle, for suites that run many short transactions. */
  synchronized Handle sharedRuntimeHandle() {
    if (sharedRuntimeHandle == null) {
      sharedRuntimeHandle = runtime.open();
    }
    return sharedRuntimeHandle;
  }

  /** Starts the request transaction for {@code who} on {@code h}: exactly the app's first statement. */
  static void begin(Handle h, Who who, String correlationId) {
    h.begin();
    h.createQuery(START)
        .bind("role", who.role())
        .bind("claims", who.claims())
        .bind("correlationId", correlationId == null ? "" : correlationId)
        .map((rs, ctx) -> rs.getString(1))
        .one();
  }

  /** Runs {@code work} as {@code who} in a request transaction that is always rolled back. */
  <T> T as(Who who, Work<T> work) {
    return asOn(sharedRuntimeHandle(), who, work);
  }

  static <T> T asOn(Handle h, Who who, Work<T> work) {
    try {
      begin(h, who, "test-" + who.label());
      return work.run(h);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      h.rollback();
    }
  }

  /** Runs {@code work} as {@code who} on a fresh authenticator connection and COMMITs. */
  <T> T asCommitted(Who who, String correlationId, Work<T> work) {
    return runtime.withHandle(h -> {
      try {
        begin(h, who, correlationId);
        T result = work.run(h);
        h.commit();
        return result;
      } catch (Exception e) {
        h.rollback();
        if (e instanceof RuntimeException re) {
          throw re;
        }
        throw new IllegalStateException(e);
      }
    });
  }

  /** The SQLSTATE of the first SQLException in the cause chain, if any. */
  static Optional<String> sqlState(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof SQLException s && s.getSQLState() != null) {
        return Optional.of(s.getSQLState());
      }
    }
    return Optional.empty();
  }

  @Override
  public void close() {
    if (sharedRuntimeHandle != null) {
      sharedRuntimeHandle.close();
      sharedRuntimeHandle = null;
    }
  }
}
