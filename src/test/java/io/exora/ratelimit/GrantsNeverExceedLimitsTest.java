package io.exora.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.exora.db.ConnectionSettings;
import io.exora.db.TestPostgres;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The limiter's safety property: with acquirers on many connections in this JVM and in a second
 * JVM, the grants never exceed any limit in any window. Every grant and release is logged by the
 * database itself (a trigger on api_leases, at the moment of the release, inside the lock), and
 * the log is checked against every limit for the window ending at every grant: requests and
 * actual tokens per 60 s, requests per hour, calls in flight.
 *
 * <p>Usage booked 40-59 s before the start ages out during the run, so the minute window slides
 * while it is checked, and the hour limit binds before the end. The property is a safety
 * property: no timing makes a correct limiter fail it, and the acquirers are seeded.
 */
class GrantsNeverExceedLimitsTest {
  private static final int RPM = 30;
  private static final int RPH = 40;
  private static final long TPM = 30_000;
  private static final int CONCURRENT = 4;
  private static final int BOOKED_SECONDS = 20;
  private static final long BOOKED_TOKENS = 800;
  private static final Duration RUN = Duration.ofSeconds(20);

  private record Event(Instant at, int requests, long tokens) {}

  private record Lease(Instant granted, Instant released) {}

  @Test
  void grantsNeverExceedAnyLimitInAnyWindow() throws Exception {
    try (RateLimitDb db = RateLimitDb.create(16)) {
      db.reset();
      db.put(Acquirers.PROVIDER, Acquirers.MODEL, RPM, RPH, TPM, null, CONCURRENT);
      db.su(h -> h.execute("""
          create table public.test_lease_log (lease_id uuid primary key, granted_at timestamptz not null,
            released_at timestamptz not null, reserved bigint not null, actual bigint);
          alter table public.test_lease_log enable row level security;
          grant all on public.test_lease_log to service_role;
          create function public.test_log_release() returns trigger language plpgsql as $$
          begin
            insert into public.test_lease_log values (old.id, old.granted_at, clock_timestamp(), old.reserved_tokens, null);
            return old;
          end $$;
          create trigger test_log_release after delete on public.api_leases
            for each row execute function public.test_log_release();"""));
      for (int s = 40; s < 40 + BOOKED_SECONDS; s++) {
        db.bookPast(Acquirers.PROVIDER, Acquirers.MODEL, "tenth", s, 1, BOOKED_TOKENS);
        db.bookPast(Acquirers.PROVIDER, Acquirers.MODEL, "minute", s, 1, BOOKED_TOKENS);
      }

      // read now: the limiter prunes slots once they are older than every window
      List<Event> booked = db.su(h -> h.createQuery(
              "select slot_start, requests, tokens from public.api_rate_slots where width = 'tenth' order by 1")
          .map((rs, ctx) -> new Event(rs.getTimestamp(1).toInstant(), rs.getInt(2), rs.getLong(3))).list());
      assertThat(booked.stream().mapToInt(Event::requests).sum()).isEqualTo(BOOKED_SECONDS);

      Process other = secondJvm(TestPostgres.runtime(db.owner), 8, RUN, 2);
      Acquirers.warmUp(db.transactions);
      Instant start = Instant.now().plusMillis(300);
      other.outputWriter(StandardCharsets.UTF_8).append(start.toEpochMilli() + "\n").flush();
      int here = Acquirers.run(db.transactions, 8, start, RUN, 1);
      assertThat(other.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String last = new String(other.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      int there = Integer.parseInt(last.substring(last.lastIndexOf(' ') + 1));
      assertThat(here).as("grants in this JVM").isPositive();
      assertThat(there).as("grants in the second JVM").isPositive();

      List<Event> events = new ArrayList<>();
      // booked usage happened at some moment of its slot (a tenth of a second): take the latest, the
      // strictest for the check
      booked.forEach(b -> events.add(new Event(b.at().plusMillis(99), b.requests(), b.tokens())));
      List<Event> grants = db.su(h -> h.createQuery(
              "select granted_at, coalesce(actual, reserved) as tokens from public.test_lease_log order by granted_at")
          .map((rs, ctx) -> new Event(rs.getTimestamp(1).toInstant(), 1, rs.getLong(2))).list());
      events.addAll(grants);
      List<Lease> leases = db.su(h -> h.createQuery("select granted_at, released_at from public.test_lease_log")
          .map((rs, ctx) -> new Lease(rs.getTimestamp(1).toInstant(), rs.getTimestamp(2).toInstant())).list());
      assertThat(grants).hasSize(here + there);
      assertThat(db.count("select count(*) from public.api_leases")).as("every lease released").isZero();

      int maxMinuteRequests = 0;
      long maxMinuteTokens = 0;
      int maxHourRequests = 0;
      int maxInFlight = 0;
      for (Event g : grants) {
        int minuteRequests = 0;
        long minuteTokens = 0;
        int hourRequests = 0;
        for (Event e : events) {
          if (e.at().isAfter(g.at())) {
            continue;
          }
          if (e.at().isAfter(g.at().minusSeconds(60))) {
            minuteRequests += e.requests();
            minuteTokens += e.tokens();
          }
          if (e.at().isAfter(g.at().minusSeconds(3600))) {
            hourRequests += e.requests();
          }
        }
        int inFlight = (int) leases.stream()
            .filter(l -> !l.granted().isAfter(g.at()) && l.released().isAfter(g.at())).count();
        maxMinuteRequests = Math.max(maxMinuteRequests, minuteRequests);
        maxMinuteTokens = Math.max(maxMinuteTokens, minuteTokens);
        maxHourRequests = Math.max(maxHourRequests, hourRequests);
        maxInFlight = Math.max(maxInFlight, inFlight);
      }
      assertThat(maxMinuteRequests).as("requests in any 60 s window").isLessThanOrEqualTo(RPM);
      assertThat(maxMinuteTokens).as("actual tokens in any 60 s window").isLessThanOrEqualTo(TPM);
      assertThat(maxHourRequests).as("requests in any hour").isLessThanOrEqualTo(RPH);
      assertThat(maxInFlight).as("calls in flight at any grant").isLessThanOrEqualTo(CONCURRENT);
      // the limits were reached, so the property was tested at the edge and not far below it
      assertThat(maxHourRequests).as("the hour limit was reached").isEqualTo(RPH);
      assertThat(maxInFlight).as("the concurrency limit was reached").isEqualTo(CONCURRENT);
    }
  }

  private static Process secondJvm(ConnectionSettings login, int threads, Duration run, long seed) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Acquirers.class.getName(),
        login.jdbcUrl(), login.user(), login.password(), String.valueOf(threads), String.valueOf(run.toSeconds()),
        String.valueOf(seed)).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null && !line.contains("ready")) {
      // start-up logging
    }
    if (line == null) {
      throw new IllegalStateException("the second JVM exited before it was ready");
    }
    return p;
  }
}
