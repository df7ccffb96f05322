// The pg-boss side of bench/queue/run. Enqueues JOBS no-op jobs with insert() in batches, then
// drains them with work() and prints one JSON line of figures. Configured by environment:
//   PGBOSS_URL         postgres://user:pass@127.0.0.1:port/db (required; its own database)
//   JOBS               how many jobs (200000)
//   INSERT_BATCH       jobs per insert() call (5000, the same as Exora's enqueue batch)
//   BATCH_SIZE         jobs per fetch in work() (500, Exora's default claim batch)
//   LOCAL_CONCURRENCY  work() pollers in this process (4)
//   POOL_MAX           pg pool size (10)
//   WARMUP             jobs enqueued and drained, untimed, in a queue of their own first (0)
// The drain is timed from work() to the moment the database says no job of the queue is left
// uncompleted, so the last batch's completion is counted, as it is for Exora.
import { PgBoss } from 'pg-boss';
import { readFileSync } from 'node:fs';

const env = (name, fallback) => process.env[name] ?? fallback;
const url = env('PGBOSS_URL');
if (!url) {
  console.error('PGBOSS_URL is required');
  process.exit(2);
}
const jobs = Number(env('JOBS', 200000));
const insertBatch = Number(env('INSERT_BATCH', 5000));
const batchSize = Number(env('BATCH_SIZE', 500));
const localConcurrency = Number(env('LOCAL_CONCURRENCY', 4));
const poolMax = Number(env('POOL_MAX', 10));
const warmup = Number(env('WARMUP', 0));
const queue = 'bench_noop';
const version = JSON.parse(readFileSync(new URL('./node_modules/pg-boss/package.json', import.meta.url))).version;

const boss = new PgBoss({ connectionString: url, max: poolMax, application_name: 'pgboss-bench' });
boss.on('error', (e) => console.error('pg-boss error:', e.message));
await boss.start();
const db = boss.getDb();

const workOptions = { batchSize, localConcurrency, burstWhenBatchFull: true, pollingIntervalSeconds: 0.5 };

// A fresh queue each run, so one run's dead rows do not slow the next.
const freshQueue = async (name) => {
  if (await boss.getQueue(name)) {
    await boss.deleteQueue(name);
  }
  await boss.createQueue(name);
};

const remaining = async (name) => {
  const r = await db.executeSql(
    "select count(*)::int as n from pgboss.job where name = $1 and state <> 'completed'", [name]);
  return r.rows[0].n;
};

const enqueue = async (name, count) => {
  for (let start = 0; start < count; start += insertBatch) {
    const chunk = [];
    for (let i = start; i < Math.min(count, start + insertBatch); i++) {
      chunk.push({ data: { n: i } });
    }
    await boss.insert(name, chunk);
  }
};

// Works the queue until `count` jobs were handled and the database says none is left uncompleted
// (the last batches' completions are written after their handlers return).
const drain = async (name, count) => {
  let handled = 0;
  let allHandled;
  const handledAll = new Promise((resolve) => { allHandled = resolve; });
  await boss.work(name, workOptions, async (batch) => {
    handled += batch.length;
    if (handled >= count) {
      allHandled();
    }
  });
  await handledAll;
  while (await remaining(name) > 0) {
    await new Promise((r) => setTimeout(r, 5));
  }
  return handled;
};

// Warm-up, untimed: the same work in a queue of its own, so V8 has compiled pg-boss's paths (the
// Exora side warms its JVM the same way).
if (warmup > 0) {
  const warmQueue = 'bench_warmup';
  await freshQueue(warmQueue);
  await enqueue(warmQueue, warmup);
  await drain(warmQueue, warmup);
  await boss.offWork(warmQueue);
  await boss.deleteQueue(warmQueue);
}

await freshQueue(queue);

// Enqueue.
let t0 = process.hrtime.bigint();
await enqueue(queue, jobs);
const enqueueSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
if (await remaining(queue) !== jobs) {
  throw new Error(`expected ${jobs} queued jobs, found ${await remaining(queue)}`);
}

// Drain.
t0 = process.hrtime.bigint();
const handled = await drain(queue, jobs);
const drainSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
await boss.stop({ graceful: true, wait: true, timeout: 10000 });

console.log(JSON.stringify({
  system: 'pg-boss', version, jobs, warmupJobs: warmup, insertBatch, batchSize, localConcurrency, poolMax,
  enqueueSeconds, enqueueRate: jobs / enqueueSeconds,
  drainSeconds, drainRate: jobs / drainSeconds, handled,
}));
process.exit(0);
