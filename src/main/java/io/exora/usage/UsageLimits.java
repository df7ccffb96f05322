package io.exora.usage;

import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * The plan checks made before work is done: before an upload's bytes are stored, and before a
 * worker spends AI tokens on a profile's document. Each answers with the reason (a message that
 * names the limit) or nothing. The binding check for uploads is inside register_upload, against
 * the stored size, under a lock; this one only spares storing a file that would be refused.
 */
public final class UsageLimits {
  /** The SQLSTATE register_upload raises when a stored upload would pass a plan limit. */
  public static final String PLAN_LIMIT_SQLSTATE = "EX402";

  private UsageLimits() {}

  /**
   * Why one more document for the profile would pass its plan's limit this month, if it would.
   * Never refuses a replay of an idempotency key the caller already used. Runs as the uploader.
   */
  public static Optional<String> uploadRefusal(Handle h, UUID profileId, String idempotencyKey) {
    return Optional.ofNullable(h.createQuery("select public.usage_upload_refusal(:p, :key)")
        .bind("p", profileId).bind("key", idempotencyKey).mapTo(String.class).one());
  }

  /** Why the profile may not spend more AI tokens this month, if so. Service role. */
  public static Optional<String> aiRefusal(Handle h, UUID profileId) {
    return Optional.ofNullable(h.createQuery("select public.usage_ai_refusal(:p)")
        .bind("p", profileId).mapTo(String.class).one());
  }
}
