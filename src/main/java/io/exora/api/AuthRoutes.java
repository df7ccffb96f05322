package io.exora.api;

import io.exora.auth.Accounts;
import io.exora.auth.AuthException;
import io.exora.auth.PasswordHasher;
import io.exora.auth.TokenIssuer;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Map;

/** {@code POST /v1/auth/signup} and {@code POST /v1/auth/token} (password grant). */
final class AuthRoutes {
  record SignupRequest(String email, String password, String displayName) {}

  record TokenRequest(String email, String password) {}

  record SignupResponse(String userId, String profileId, String accessToken, String tokenType, long expiresIn) {}

  record TokenResponse(String accessToken, String tokenType, long expiresIn, String userId) {}

  private final Requests requests;
  private final JsonBodies bodies;
  private final PasswordHasher passwords;
  private final TokenIssuer tokens;

  AuthRoutes(Requests requests, JsonBodies bodies, PasswordHasher passwords, TokenIssuer tokens) {
    this.requests = requests;
    this.bodies = bodies;
    this.passwords = passwords;
    this.tokens = tokens;
  }

  void register(RoutesConfig routes) {
    routes.post("/v1/auth/signup", this::signup);
    routes.post("/v1/auth/token", this::token);
  }

  private void signup(Context ctx) {
    SignupRequest body = bodies.read(ctx, SignupRequest.class);
    String email = Accounts.normalizeEmail(body.email());
    String displayName = Accounts.normalizeDisplayName(
        body.displayName() == null ? email.substring(0, email.indexOf('@')) : body.displayName());
    String hash = passwords.hash(password(body.password()));
    Accounts.NewAccount account = requests.asService(ctx, h -> Accounts.create(h, email, hash, displayName));
    String token = tokens.issueUserToken(account.userId(), account.email(),
        Map.of("providers", java.util.List.of("email")));
    ctx.status(201).json(new SignupResponse(account.userId().toString(), account.profileId().toString(),
        token, "bearer", tokens.lifetime().toSeconds()));
  }

  private void token(Context ctx) {
    TokenRequest body = bodies.read(ctx, TokenRequest.class);
    char[] password = password(body.password());
    String email;
    try {
      email = Accounts.normalizeEmail(body.email());
    } catch (AuthException malformed) {
      throw invalidCredentials();
    }
    // Counted before the password is checked, so parallel guesses cannot outrun the count.
    requests.asService(ctx, h -> Accounts.takeSignInAttempt(h, email)).ifPresent(wait -> {
      long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
      ctx.header("Retry-After", Long.toString(seconds));
      throw new ApiError(429, "too_many_sign_in_attempts",
          "too many sign-in attempts for this address; try again in " + seconds + " s");
    });
    var login = requests.asService(ctx, h -> Accounts.find(h, email));
    if (login.isEmpty()) {
      passwords.verifyDummy(password);  // same cost as a real check: timing does not reveal accounts
      throw invalidCredentials();
    }
    if (!passwords.verify(password, login.get().passwordHash())) {
      throw invalidCredentials();
    }
    requests.asService(ctx, h -> {
      Accounts.recordSignIn(h, login.get().userId());
      Accounts.clearSignInAttempts(h, email);
      return null;
    });
    String token = tokens.issueUserToken(login.get().userId(), login.get().email(), login.get().appMetadata());
    ctx.json(new TokenResponse(token, "bearer", tokens.lifetime().toSeconds(), login.get().userId().toString()));
  }

  private static char[] password(String password) {
    if (password == null || password.isEmpty()) {
      throw ApiError.badRequest("invalid_input", "password is required");
    }
    return password.toCharArray();
  }

  private static AuthException invalidCredentials() {
    return new AuthException("invalid_credentials", "email or password is wrong");
  }
}
