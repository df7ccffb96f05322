package io.exora.auth;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * Logins in {@code auth.users}: sign-up (a login and its {@code self} profile, in one transaction)
 * and the look-up behind sign-in. The caller supplies a service-role handle; nothing here decides
 * who may call it.
 */
public final class Accounts {
  private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+$");
  private static final int MAX_EMAIL = 255;
  private static final int MAX_DISPLAY_NAME = 200;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A stored login, as sign-in needs it. */
  public record Login(UUID userId, String email, String passwordHash, Map<String, Object> appMetadata) {}

  public record NewAccount(UUID userId, UUID profileId, String email) {}

  private Accounts() {}

  /** Trims and lower-cases an e-mail address; refuses one that cannot be an address. */
  public static String normalizeEmail(String email) {
    String e = email == null ? "" : email.trim().toLowerCase(Locale.ROOT);
    if (e.length() > MAX_EMAIL || !EMAIL.matcher(e).matches()) {
      throw new AuthException("invalid_email", "email must be a valid address of at most 255 characters");
    }
    return e;
  }

  public static String normalizeDisplayName(String displayName) {
    String name = displayName == null ? "" : displayName.strip();
    if (name.isEmpty() || name.length() > MAX_DISPLAY_NAME) {
      throw new AuthException("invalid_display_name", "display_name must be 1 to 200 characters");
    }
    return name;
  }

  /**
   * Creates the login and its self profile. A taken address fails with {@code email_taken}; the
   * unique index decides, so two concurrent sign-ups with one address cannot both succeed.
   */
  public static NewAccount create(Handle service, String email, String passwordHash, String displayName) {
    UUID userId;
    try {
      userId = service.createQuery("""
              insert into auth.users (email, encrypted_password, email_confirmed_at, raw_app_meta_data)
              values (:email, :hash, now(), '{"provider": "email", "providers": ["email"]}')
              returning id""")
          .bind("email", email).bind("hash", passwordHash).mapTo(UUID.class).one();
    } catch (UnableToExecuteStatementException e) {
      if (e.getCause() instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
        throw new AuthException("email_taken", "an account with this email already exists");
      }
      throw e;
    }
    UUID profileId = service.createQuery("""
            insert into public.user_profiles (account_owner_id, profile_type, display_name)
            values (:userId, 'self', :name)
            returning id""")
        .bind("userId", userId).bind("name", displayName).mapTo(UUID.class).one();
    return new NewAccount(userId, profileId, email);
  }

  public static Optional<Login> find(Handle service, String email) {
    return service.createQuery("""
            select id, email, encrypted_password, raw_app_meta_data::text as app_metadata
              from auth.users where lower(email) = :email""")
        .bind("email", email)
        .map((rs, ctx) -> new Login(UUID.fromString(rs.getString("id")), rs.getString("email"),
            rs.getString("encrypted_password"), parse(rs.getString("app_metadata"))))
        .findOne();
  }

  /**
   * Counts a sign-in attempt for the address (V092, take_sign_in_attempt): empty when its
   * password may be checked, else how long until the address may try again.
   */
  public static Optional<Duration> takeSignInAttempt(Handle service, String email) {
    return service.createQuery("select public.take_sign_in_attempt(:email)")
        .bind("email", email)
        .mapTo(BigDecimal.class)
        .findOne()
        .map(seconds -> Duration.ofMillis(seconds.movePointRight(3).longValue()));
  }

  /** A successful sign-in: the address's attempts start again from zero. */
  public static void clearSignInAttempts(Handle service, String email) {
    service.createUpdate("select public.clear_sign_in_attempts(:email)").bind("email", email).execute();
  }

  public static void recordSignIn(Handle service, UUID userId) {
    service.createUpdate("update auth.users set last_sign_in_at = now() where id = :id")
        .bind("id", userId).execute();
  }

  private static Map<String, Object> parse(String json) {
    try {
      return json == null ? Map.of() : JSON.readValue(json, new TypeReference<Map<String, Object>>() {});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
