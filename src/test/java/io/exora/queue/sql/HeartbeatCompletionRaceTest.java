package io.exora.queue.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.exora.queue.sql.QueueDb.Claimed;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A worker's heart-beater and its batch completers write the same held rows at once, on separate
 * connections. Every completion of a job the worker holds must land, whichever statement locks the
 * row first: a heartbeat that commits while a completion waits for the row gives the row a new
 * version, and the completion must find it (a delete by the row's old physical address did not,
 * and lost completions under load). Every heartbeat must report every job still held.
 */
class HeartbeatCompletionRaceTest extends QueueSqlTest {
  @Test
  void completionsRacingHeartbeatsAllLandAndHeartbeatsLoseNothing() throws Exception {
    int jobs = 3_000;
    StringBuilder batch = new StringBuilder("[");
    for (int i = 0; i < jobs; i++) {
      batch.append(i == 0 ? "" : ",").append("{\"job_type\":\"system_maintenance\",\"job_payload\":{\"i\":").append(i).append("}}");
    }
    db.enqueueBatch(batch.append("]").toString());
    List<Claimed> held = new ArrayList<>();
    while (held.size() < jobs) {
      held.addAll(db.claim("worker-a", 500));
    }

    AtomicBoolean completing = new AtomicBoolean(true);
    CompletableFuture<Integer> heartbeats = CompletableFuture.supplyAsync(() -> {
      int rounds = 0;
      while (completing.get()) {
        List<UUID> ids = held.stream().map(Claimed::jobId).toList();
        List<Integer> attempts = held.stream().map(Claimed::attempt).toList();
        List<UUID> stillHeld = db.heartbeatJobs("worker-a", ids, attempts);
        long live = db.su(h -> h.createQuery("select count(*) from public.job_queue").mapTo(Long.class).one());
        int heartbeaten = stillHeld.size();
        // completions commit meanwhile: between the live jobs after and before the heartbeat
        assertThat(heartbeaten).as("heartbeat %d", rounds).isGreaterThanOrEqualTo((int) live);
        rounds++;
      }
      return rounds;
    });

    int completed = 0;
    for (int from = 0; from < jobs; from += 100) {
      List<Claimed> part = held.subList(from, from + 100);
      completed += db.completeJobs("worker-a", part.stream().map(Claimed::jobId).toList(),
          part.stream().map(Claimed::attempt).toList()).size();
    }
    completing.set(false);

    assertThat(heartbeats.get()).as("heartbeat rounds that overlapped the completions").isPositive();
    assertThat(completed).as("completions that landed").isEqualTo(jobs);
    long archived = db.su(h -> h.createQuery("select count(*) from public.job_queue_archive where status = 'completed'")
        .mapTo(Long.class).one());
    assertThat(archived).isEqualTo(jobs);
  }
}
