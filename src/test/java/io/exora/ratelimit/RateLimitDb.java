package io.exora.ratelimit;

import io.exora.db.Caller;
import io.exora.db.ConnectionSettings;
import io.exora.db.Database;
import io.exora.db.RequestTransactions;
import io.exora.db.TestPostgres;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.UUID;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;

/**
 * A migrated database for the limiter's tests. {@link #limiter} calls it as the workers do (service
 * role over the authenticator login); {@link #su} is the database owner, for setting up state the
 * clock would otherwise take minutes to reach (usage booked in past slots, stale heartbeats).
 */
final class RateLimitDb implements AutoCloseable {
  final ConnectionSettings owner;
  final Jdbi ownerJdbi;
  final Database runtime;
  final RequestTransactions transactions;
  final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
  final RateLimiter limiter;

  private RateLimitDb(ConnectionSettings owner, int poolSize) {
    this.owner = owner;
    this.ownerJdbi = Jdbi.create(owner.jdbcUrl(), owner.user(), owner.password());
    this.runtime = Database.open(TestPostgres.runtime(owner), poolSize, "ratelimit-test");
    this.transactions = new RequestTransactions(runtime.jdbi());
    this.limiter = new RateLimiter(transactions, metrics);
  }

  static RateLimitDb create(int poolSize) {
    return new RateLimitDb(TestPostgres.newDatabase(), poolSize);
  }

  /** No limits, leases, usage or jobs. */
  void reset() {
    su(h -> h.execute("delete from public.api_rate_limits; delete from public.job_queue"));
  }

  /** Sets one pair's limits as the service role (null: no limit of that kind). */
  void put(String provider, String endpoint, Integer rpm, Integer rph, Long tpm, Long tph, Integer concurrent) {
    service(h -> RateLimiter.put(h, new RateLimitSettings(provider, endpoint, rpm, rph, tpm, tph, concurrent,
        null, null)));
  }

  /** Books usage in a past slot, as if calls had been granted {@code secondsAgo} ago. */
  void bookPast(String provider, String endpoint, String width, double secondsAgo, int requests, long tokens) {
    su(h -> h.createUpdate("""
            insert into public.api_rate_slots (limit_id, width, slot_start, requests, tokens)
            select l.id, :width, public.api_rate_slot_start(:width, clock_timestamp() - make_interval(secs => :ago)), :requests, :tokens
              from public.api_rate_limits l where l.provider_name = :provider and l.api_endpoint = :endpoint
            on conflict (limit_id, width, slot_start) do update
              set requests = api_rate_slots.requests + excluded.requests, tokens = api_rate_slots.tokens + excluded.tokens""")
        .bind("width", width).bind("ago", secondsAgo).bind("requests", requests).bind("tokens", tokens)
        .bind("provider", provider).bind("endpoint", endpoint).execute());
  }

  /** A job held by {@code worker} under attempt 1, heart-beating now. */
  UUID processingJob(String worker) {
    return su(h -> h.createQuery("""
            insert into public.job_queue (job_type, job_lane, job_name, job_payload, status, worker_id, heartbeat_at,
                                          started_at, attempt)
            values ('ai_processing', 'ai_queue_simple', 'limiter test', '{"t": 1}', 'processing', :w, now(), now(), 1)
            returning id""").bind("w", worker).mapTo(UUID.class).one());
  }

  Instant dbNow() {
    return su(h -> h.createQuery("select clock_timestamp()").mapTo(Instant.class).one());
  }

  <T> T service(HandleCallback<T, RuntimeException> work) {
    return transactions.run(Caller.serviceRole(), "ratelimit-test", work);
  }

  <T> T su(HandleCallback<T, RuntimeException> work) {
    return ownerJdbi.withHandle(work);
  }

  long count(String sql) {
    return su(h -> h.createQuery(sql).mapTo(Long.class).one());
  }

  @Override
  public void close() {
    runtime.close();
  }

}
