-- Experiment (bench/upload/run --sql-patch=bench/upload/experiments/no-enqueue-notify.sql --doc=/tmp/x.md):
-- enqueueing wakes no worker. PostgreSQL serialises the commits of transactions that issued NOTIFY
-- (PreCommit_Notify takes one database-wide lock, held until the commit record is flushed), so the
-- AFTER INSERT trigger on job_queue makes every upload's commit wait for the previous one's fsync.
-- Workers poll anyway; this measures what the wake-up costs the upload path.
alter table public.job_queue disable trigger job_queue_notify;
