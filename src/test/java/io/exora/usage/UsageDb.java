package io.exora.usage;

import io.exora.db.ConnectionSettings;
import io.exora.db.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * A migrated database for the usage tests, with the two logins and transactions that switch
 * identity exactly as the application's request transaction does (role, verified claims and
 * correlation id set transaction-locally over the authenticator login).
 */
final class UsageDb {
  static final String START = """
      select set_config('role', :role, true) as role,
             set_config('request.jwt.claims', :claims, true) as claims,
             set_config('exora.correlation_id', '', true) as correlation_id
      """;

  /** Who a transaction acts as. */
  record Who(String role, String claims) {
    static Who user(UUID id) {
      return new Who("authenticated", "{\"sub\":\"" + id + "\",\"role\":\"authenticated\",\"aud\":\"authenticated\"}");
    }

    static Who admin(UUID id) {
      return new Who("authenticated", "{\"sub\":\"" + id + "\",\"role\":\"authenticated\",\"aud\":\"authenticated\","
          + "\"app_metadata\":{\"is_admin\":true}}");
    }

    static Who service() {
      return new Who("service_role", "{\"role\":\"service_role\"}");
    }

    static Who anon() {
      return new Who("anon", "{\"role\":\"anon\"}");
    }
  }

  @FunctionalInterface
  interface Work<T> {
    T run(Handle h);
  }

  final ConnectionSettings owner;
  final Jdbi superuser;
  final Jdbi runtime;

  UsageDb() {
    this.owner = TestPostgres.newDatabase();
    this.superuser = Jdbi.create(owner.jdbcUrl(), owner.user(), owner.password());
    ConnectionSettings rt = TestPostgres.runtime(owner);
    this.runtime = Jdbi.create(rt.jdbcUrl(), rt.user(), rt.password());
  }

  static UUID id(String name) {
    return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
  }

  UUID user(String name) {
    UUID id = id(name);
    su("insert into auth.users (id, email, encrypted_password) values (?, ?, 'x')", id, id + "@usage.test");
    return id;
  }

  UUID profile(UUID owner, String name) {
    UUID id = id(name);
    su("insert into public.user_profiles (id, account_owner_id, profile_type, display_name) values (?, ?, 'child', ?)",
        id, owner, name);
    return id;
  }

  /** A stored shell file of {@code bytes} bytes (committed, as the superuser). */
  UUID file(UUID profile, UUID uploader, String name, long bytes, String documentType) {
    UUID id = id(name);
    su("insert into public.shell_files (id, patient_id, uploaded_by, filename, original_filename, file_size_bytes, "
        + "mime_type, storage_path, document_type) values (?, ?, ?, ?, ?, ?, 'application/octet-stream', ?, ?)",
        id, profile, uploader, name, name, bytes, "usage/" + id, documentType);
    return id;
  }

  void su(String sql, Object... args) {
    superuser.useHandle(h -> {
      var update = h.createUpdate(sql);
      for (int i = 0; i < args.length; i++) {
        update.bind(i, args[i]);
      }
      update.execute();
    });
  }

  <T> T su(Work<T> work) {
    return superuser.withHandle(work::run);
  }

  private Handle shared;

  /** Runs as {@code who} and commits, on one long-lived authenticator connection (logins are slow). */
  synchronized <T> T as(Who who, Work<T> work) {
    if (shared == null) {
      shared = runtime.open();
    }
    return asOn(shared, who, work);
  }

  /** Runs as {@code who} on an open handle, in its own committed transaction. */
  static <T> T asOn(Handle h, Who who, Work<T> work) {
    return h.inTransaction(tx -> {
      tx.createQuery(START).bind("role", who.role()).bind("claims", who.claims()).mapToMap().one();
      return work.run(tx);
    });
  }

  long count(String sql, Object... args) {
    return su(h -> {
      var q = h.createQuery(sql);
      for (int i = 0; i < args.length; i++) {
        q.bind(i, args[i]);
      }
      return q.mapTo(Long.class).one();
    });
  }

  /** The SQLSTATE of the first SQLException in the cause chain. */
  static Optional<String> sqlState(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof SQLException s && s.getSQLState() != null) {
        return Optional.of(s.getSQLState());
      }
    }
    return Optional.empty();
  }

  /** Runs {@code work} as {@code who} and returns the SQLSTATE it failed with (or "ok"). */
  String stateOf(Who who, Work<?> work) {
    try {
      as(who, work);
      return "ok";
    } catch (RuntimeException e) {
      return sqlState(e).orElseThrow(() -> e);
    }
  }
}
