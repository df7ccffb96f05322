package io.exora.api;

import io.exora.auth.AuthException;
import io.exora.auth.Claims;
import io.exora.auth.TokenVerifier;
import io.exora.db.Caller;
import io.exora.db.DbRole;
import io.exora.db.RequestTransactions;
import io.javalin.http.Context;
import java.util.UUID;
import org.jdbi.v3.core.HandleCallback;

/**
 * Runs a handler's database work as the request's verified caller: the token becomes a
 * {@link Caller}, and {@link RequestTransactions} turns that into one transaction under RLS.
 * Handlers never open transactions themselves.
 */
public final class Requests {
  private static final String CLAIMS = "exora.claims";
  private final TokenVerifier verifier;
  private final RequestTransactions transactions;

  public Requests(TokenVerifier verifier, RequestTransactions transactions) {
    this.verifier = verifier;
    this.transactions = transactions;
  }

  /** The verified claims of the request's bearer token; 401 when absent or invalid. */
  public Claims claims(Context ctx) {
    Claims cached = ctx.attribute(CLAIMS);
    if (cached != null) {
      return cached;
    }
    Claims claims = verifier.verify(ctx.header("Authorization"));
    ctx.attribute(CLAIMS, claims);
    return claims;
  }

  /** The signed-in user's id; 401 for a token that is not a user's (anon or service keys). */
  public UUID userId(Context ctx) {
    Claims claims = claims(ctx);
    if (!"authenticated".equals(claims.role()) || claims.userId() == null) {
      throw new AuthException("token_claims_invalid", "this endpoint needs a signed-in user's token");
    }
    return claims.userId();
  }

  /** Database work as the request's caller, under RLS. */
  public <T> T asCaller(Context ctx, HandleCallback<T, RuntimeException> work) {
    return transactions.run(caller(ctx), CorrelationIds.of(ctx), work);
  }

  /** The request's caller, for services that open their own request transactions. */
  public Caller caller(Context ctx) {
    Claims claims = claims(ctx);
    return new Caller(DbRole.fromClaim(claims.role()), claims.toJson());
  }

  /** Database work that no user could do for themselves yet (sign-up, sign-in). */
  public <T> T asService(Context ctx, HandleCallback<T, RuntimeException> work) {
    return transactions.run(Caller.serviceRole(), CorrelationIds.of(ctx), work);
  }
}
