package io.exora.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.exora.usage.UsageDb.Who;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

/**
 * 10,000 usage events (5,000 uploads, 5,000 AI calls) over four profiles, each sent twice, all
 * 20,000 calls shuffled and fired from 16 connections at once, each in its own transaction. Every
 * event must be counted exactly once: the ledger, the month counters and the callers' "counted"
 * answers agree to the unit, and each threshold event exists once.
 */
class UsageConcurrencyTest {
  static final int FILES = 5_000;
  static final int AI_CALLS = 5_000;
  static final int CONNECTIONS = 16;

  record Call(UUID profile, boolean upload, UUID subject, long tokens, boolean asOwner) {}

  @Test
  void tenThousandEventsEachSentTwiceConcurrentlyAreCountedExactlyOnce() throws Exception {
    UsageDb db = new UsageDb();
    UUID owner = db.user("concurrency owner");
    List<UUID> profiles = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      profiles.add(db.profile(owner, "concurrency profile " + i));
    }
    // A limited plan, so the threshold events are exercised under the same load.
    db.as(Who.service(), h -> h.createQuery("select public.change_account_plan(:a, 'free', 'test')")
        .bind("a", owner).mapToMap().one());

    // The stored files: sizes from 1 KiB up, half of them PDFs (pages estimated from the size).
    db.su("""
        insert into public.shell_files (patient_id, uploaded_by, filename, original_filename, file_size_bytes,
                                        mime_type, storage_path, document_type)
        select (array[?::uuid, ?::uuid, ?::uuid, ?::uuid])[1 + i % 4], ?, 'f' || i, 'f' || i, 1024 + i * 97,
               'application/octet-stream', 'usage/f' || i, case when i % 2 = 0 then 'pdf' else 'text' end
          from generate_series(0, ? - 1) i""",
        profiles.get(0), profiles.get(1), profiles.get(2), profiles.get(3), owner, FILES);
    Map<UUID, long[]> expected = new HashMap<>();  // profile -> files, pages, bytes, tokens, ai jobs
    profiles.forEach(p -> expected.put(p, new long[5]));
    List<Call> events = new ArrayList<>();
    db.su(h -> {
      h.createQuery("select id, patient_id, file_size_bytes, document_type from public.shell_files")
          .map((rs, c) -> {
            UUID p = rs.getObject("patient_id", UUID.class);
            long bytes = rs.getLong("file_size_bytes");
            long pages = rs.getString("document_type").equals("pdf") ? Math.max(1, (long) Math.ceil(bytes * 10 / 1048576.0)) : 1;
            long[] e = expected.get(p);
            e[0]++;
            e[2] += bytes;
            e[1] += pages;
            return new Call(p, true, rs.getObject("id", UUID.class), 0, false);
          }).forEach(events::add);
      return null;
    });
    Random random = new Random(42);
    for (int i = 0; i < AI_CALLS; i++) {
      UUID p = profiles.get(i % 4);
      long tokens = 1 + random.nextInt(2_000);
      expected.get(p)[3] += tokens;
      expected.get(p)[4]++;
      events.add(new Call(p, false, UUID.randomUUID(), tokens, false));
    }
    assertThat(events).hasSize(10_000);

    // Each event twice; an upload's second sending comes from the owner (an authenticated caller).
    List<Call> sends = new ArrayList<>(events);
    for (Call c : events) {
      sends.add(c.upload() ? new Call(c.profile(), true, c.subject(), 0, true) : c);
    }
    Collections.shuffle(sends, random);

    AtomicInteger counted = new AtomicInteger();
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < CONNECTIONS; t++) {
      done.add(pool.submit(() -> {
        try (Handle h = db.runtime.open()) {
          for (int i = next.getAndIncrement(); i < sends.size(); i = next.getAndIncrement()) {
            Call c = sends.get(i);
            boolean newly = UsageDb.asOn(h, c.asOwner() ? Who.user(owner) : Who.service(), tx -> c.upload()
                ? tx.createQuery("select public.track_shell_file_upload_usage(:p, :f, 999999999, 999)")
                    .bind("p", c.profile()).bind("f", c.subject()).mapTo(Boolean.class).one()
                : tx.createQuery("select public.track_ai_processing_usage(:p, :job, :tokens, 1.5)")
                    .bind("p", c.profile()).bind("job", c.subject()).bind("tokens", c.tokens())
                    .mapTo(Boolean.class).one());
            if (newly) {
              counted.incrementAndGet();
            }
          }
        }
        return null;
      }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();

    assertThat(counted.get()).as("calls answered 'counted'").isEqualTo(10_000);
    assertThat(db.count("select count(*) from public.usage_events where event_type = 'shell_file_uploaded'"))
        .isEqualTo(FILES);
    assertThat(db.count("select count(*) from public.usage_events where event_type = 'ai_processing_completed'"))
        .isEqualTo(AI_CALLS);
    for (UUID p : profiles) {
      long[] e = expected.get(p);
      // Summed over months, so a run that straddles midnight UTC at a month's end still adds up.
      Map<String, Object> row = db.su(h -> h.createQuery("""
              select sum(shell_files_uploaded) as files, sum(total_pages_processed) as pages,
                     sum(total_file_size_bytes) as bytes, sum(ai_tokens_used) as tokens,
                     sum(ai_processing_jobs) as jobs, sum(ai_processing_seconds) as seconds
                from public.user_usage_tracking where profile_id = :p""")
          .bind("p", p).mapToMap().one());
      assertThat(((Number) row.get("files")).longValue()).as("files of %s", p).isEqualTo(e[0]);
      assertThat(((Number) row.get("pages")).longValue()).as("pages of %s (the client's 999 ignored)", p).isEqualTo(e[1]);
      assertThat(((Number) row.get("bytes")).longValue()).as("bytes of %s (the client's size ignored)", p).isEqualTo(e[2]);
      assertThat(((Number) row.get("tokens")).longValue()).as("tokens of %s", p).isEqualTo(e[3]);
      assertThat(((Number) row.get("jobs")).longValue()).as("AI jobs of %s", p).isEqualTo(e[4]);
      assertThat(new java.math.BigDecimal(row.get("seconds").toString())).isEqualByComparingTo(
          java.math.BigDecimal.valueOf(e[4] * 15, 1));
      // Every limit of the free plan was passed: 80%, 90% and 100% once each, for each of the four.
      assertThat(db.count("select count(*) from public.usage_events where profile_id = ? and event_type = 'limit_warning'", p))
          .isEqualTo(8);
      assertThat(db.count("select count(*) from public.usage_events where profile_id = ? and event_type = 'limit_hit'", p))
          .isEqualTo(4);
    }
  }
}
