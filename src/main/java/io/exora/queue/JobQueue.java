package io.exora.queue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.exora.db.Caller;
import io.exora.db.RequestTransactions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * The queue's client: each method is one call of a queue RPC (V071__job_queue_rpcs.sql), run as
 * the service role. It knows jobs, lanes and attempts; it knows nothing about what jobs do.
 */
public final class JobQueue {
  private final RequestTransactions transactions;
  private final ObjectMapper json;
  /** Reads claimed payloads: a reader bound to JsonNode once, not the type resolved per job. */
  private final ObjectReader payloadReader;

  /** A job to enqueue. {@code lane}, {@code scheduledAt} and {@code maxRetries} may be null (defaults). */
  public record NewJob(String type, String name, Map<String, Object> payload, String category,
      int priority, String lane, Instant scheduledAt, Integer maxRetries) {
    public static NewJob of(String type, Map<String, Object> payload) {
      return new NewJob(type, type, payload, "standard", 5, null, null, null);
    }

    public NewJob withPriority(int newPriority) {
      return new NewJob(type, name, payload, category, newPriority, lane, scheduledAt, maxRetries);
    }

    public NewJob inLane(String newLane) {
      return new NewJob(type, name, payload, category, priority, newLane, scheduledAt, maxRetries);
    }

    public NewJob withMaxRetries(int retries) {
      return new NewJob(type, name, payload, category, priority, lane, scheduledAt, retries);
    }
  }

  /** A finished attempt whose handler wrote no effects, completed in a batch. */
  public record Completion(Job job, JsonNode result) {}

  public JobQueue(RequestTransactions transactions, ObjectMapper json) {
    this.transactions = transactions;
    this.json = json;
    this.payloadReader = json.readerFor(JsonNode.class);
  }

  public UUID enqueue(NewJob job) {
    return enqueueAll(List.of(job)).get(0);
  }

  /** Enqueues in one statement; returns the ids in input order (a live duplicate's id for a file job). */
  public List<UUID> enqueueAll(List<NewJob> jobs) {
    return transactions.run(Caller.serviceRole(), null, h -> enqueueAll(h, jobs));
  }

  /** Enqueues inside the caller's transaction, so the jobs commit (or not) with the caller's writes. */
  public List<UUID> enqueueAll(Handle h, List<NewJob> jobs) {
    List<Map<String, Object>> rows = new ArrayList<>(jobs.size());
    for (NewJob j : jobs) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("job_type", j.type());
      row.put("job_name", j.name());
      row.put("job_payload", j.payload());
      row.put("job_category", j.category());
      row.put("priority", j.priority());
      if (j.lane() != null) {
        row.put("job_lane", j.lane());
      }
      if (j.scheduledAt() != null) {
        row.put("scheduled_at", j.scheduledAt().toString());
      }
      if (j.maxRetries() != null) {
        row.put("max_retries", j.maxRetries());
      }
      rows.add(row);
    }
    return h.createQuery("select job_id from public.enqueue_jobs_v3(cast(:jobs as jsonb))")
        .bind("jobs", write(rows)).mapTo(UUID.class).list();
  }

  /**
   * Claims up to {@code limit} ready jobs. The claim commits without waiting for its WAL flush:
   * if the server crashes before the flush, the claim is forgotten and the job is ready again,
   * and any completion under the forgotten attempt is refused by fencing (a completion that is
   * durable proves, by WAL order, that its claim is durable too). It saves one disk flush per
   * claim, which is where a claim's time goes.
   */
  public List<Job> claim(String workerId, int limit, Collection<String> types, Collection<String> lanes) {
    return transactions.run(Caller.serviceRole(), null, h -> withoutWaitingForFlush(h).createQuery("""
            select * from public.claim_jobs_v3(:worker, :limit, :types, :lanes)""")
        .bind("worker", workerId).bind("limit", limit)
        .bindArray("types", String.class, types == null ? null : types.toArray(String[]::new))
        .bindArray("lanes", String.class, lanes == null ? null : lanes.toArray(String[]::new))
        .map((rs, ctx) -> new Job(rs.getObject("job_id", UUID.class), rs.getString("job_type"),
            rs.getString("job_lane"), read(rs.getString("job_payload")), rs.getInt("retry_count"),
            rs.getInt("max_retries"), rs.getInt("attempt"), rs.getObject("patient_id", UUID.class),
            rs.getObject("shell_file_id", UUID.class)))
        .list());
  }

  /** Refreshes the heartbeats of the held jobs; returns the ids still held. */
  public Set<UUID> heartbeat(String workerId, Collection<Job> held) {
    if (held.isEmpty()) {
      return Set.of();
    }
    UUID[] ids = held.stream().map(Job::id).toArray(UUID[]::new);
    Integer[] attempts = held.stream().map(Job::attempt).toArray(Integer[]::new);
    // A heartbeat lost in a crash only makes the job look older; no need to wait for the flush.
    return transactions.run(Caller.serviceRole(), null, h -> new HashSet<>(withoutWaitingForFlush(h).createQuery(
            "select * from public.heartbeat_jobs(:worker, :ids, :attempts)")
        .bind("worker", workerId).bindArray("ids", UUID.class, (Object[]) ids)
        .bindArray("attempts", Integer.class, (Object[]) attempts)
        .mapTo(UUID.class).list()));
  }

  /** The fenced completion, inside the transaction that wrote the job's effects. */
  public boolean complete(Handle tx, String workerId, Job job, JsonNode result) {
    return tx.createQuery("select public.complete_job(:id, :worker, cast(:result as jsonb), :attempt)")
        .bind("id", job.id()).bind("worker", workerId).bind("attempt", job.attempt())
        .bind("result", result == null ? null : result.toString())
        .mapTo(Boolean.class).one();
  }

  /** Completes many effect-free attempts in one statement; returns the ids completed. */
  public Set<UUID> completeAll(String workerId, List<Completion> done) {
    if (done.isEmpty()) {
      return Set.of();
    }
    UUID[] ids = done.stream().map(c -> c.job().id()).toArray(UUID[]::new);
    Integer[] attempts = done.stream().map(c -> c.job().attempt()).toArray(Integer[]::new);
    // Effect-free jobs mostly return nothing: then no array of nulls to encode and parse.
    String[] results = done.stream().allMatch(c -> c.result() == null) ? null
        : done.stream().map(c -> c.result() == null ? null : c.result().toString()).toArray(String[]::new);
    return transactions.run(Caller.serviceRole(), null, h -> new HashSet<>(h.createQuery(
            "select * from public.complete_jobs(:worker, :ids, :attempts, cast(:results as jsonb[]))")
        .bind("worker", workerId).bindArray("ids", UUID.class, (Object[]) ids)
        .bindArray("attempts", Integer.class, (Object[]) attempts)
        .bindArray("results", String.class, (Object[]) results)
        .mapTo(UUID.class).list()));
  }

  /** Records a failed attempt; returns "retrying", "failed", or null when the job was no longer held. */
  public String fail(String workerId, Job job, String message, Map<String, Object> details,
      boolean retryable, Duration retryAfter) {
    return transactions.run(Caller.serviceRole(), null, h -> h.createQuery("""
            select public.fail_job(:id, :worker, :attempt, :message, cast(:details as jsonb), :retryable, cast(:retryAfter as numeric))""")
        .bind("id", job.id()).bind("worker", workerId).bind("attempt", job.attempt())
        .bind("message", message).bind("details", details == null ? null : write(details))
        .bind("retryable", retryable)
        .bind("retryAfter", retryAfter == null ? null : retryAfter.toMillis() / 1000.0)
        .mapTo(String.class).one());
  }

  /** Defers a held job without using a retry; false when it was no longer held. */
  public boolean reschedule(String workerId, Job job, Duration delay, String reason, boolean jitter) {
    return transactions.run(Caller.serviceRole(), null, h -> h.createQuery("""
            select public.reschedule_job(:id, cast(:delay as numeric), :reason, :jitter, :worker, :attempt)""")
        .bind("id", job.id()).bind("delay", delay.toMillis() / 1000.0).bind("reason", reason)
        .bind("jitter", jitter).bind("worker", workerId).bind("attempt", job.attempt())
        .mapTo(Boolean.class).one());
  }

  public boolean cancel(UUID jobId, String reason) {
    return transactions.run(Caller.serviceRole(), null, h -> h.createQuery("select public.cancel_job(:id, :reason)")
        .bind("id", jobId).bind("reason", reason).mapTo(Boolean.class).one());
  }

  public boolean retryDeadLettered(UUID jobId) {
    return transactions.run(Caller.serviceRole(), null, h -> h.createQuery("select public.retry_dead_job(:id)")
        .bind("id", jobId).mapTo(Boolean.class).one());
  }

  public void registerWorker(String workerId, String host, Collection<String> lanes, int activeJobs, boolean stopped) {
    transactions.run(Caller.serviceRole(), null, h -> h.createQuery(
            "select public.register_worker(:worker, :host, :lanes, :active, :stopped)")
        .bind("worker", workerId).bind("host", host)
        .bindArray("lanes", String.class, lanes.toArray(String[]::new))
        .bind("active", activeJobs).bind("stopped", stopped).mapToMap().one());
  }

  /**
   * Deletes up to {@code limit} archived jobs that finished longer ago than
   * queue.retention_archive_days; returns how many.
   */
  public int prune(int limit) {
    return transactions.run(Caller.serviceRole(), null, h -> h.createQuery("select public.prune_finished_jobs(:limit)")
        .bind("limit", limit).mapTo(Integer.class).one());
  }

  /** Queue depth: lane -> status -> jobs, for the live jobs and the dead letters (status failed). */
  public Map<String, Map<String, Long>> depth() {
    Map<String, Map<String, Long>> out = new LinkedHashMap<>();
    transactions.run(Caller.serviceRole(), null, h -> h.createQuery("""
            select job_lane, status, count(*) as n from public.job_queue group by 1, 2
            union all
            select job_lane, status, count(*) from public.job_queue_archive where status = 'failed' group by 1, 2
            order by 1, 2""")
        .map((rs, ctx) -> {
          out.computeIfAbsent(rs.getString("job_lane"), k -> new LinkedHashMap<>())
              .put(rs.getString("status"), rs.getLong("n"));
          return null;
        }).list());
    return out;
  }

  /** A number from system_configuration (e.g. worker.timeout_seconds), or the fallback. */
  public double setting(String key, double fallback) {
    return transactions.run(Caller.serviceRole(), null, h -> h.createQuery(
            "select public.queue_setting(:key, :fallback)")
        .bind("key", key).bind("fallback", fallback).mapTo(Double.class).one());
  }

  private String write(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("job data is not serialisable to JSON", e);
    }
  }

  private JsonNode read(String value) {
    try {
      return payloadReader.readTree(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("job payload in the database is not JSON", e);
    }
  }

  private static Handle withoutWaitingForFlush(Handle h) {
    h.execute("set local synchronous_commit = off");
    return h;
  }
}
