package io.exora.queue;

import org.jdbi.v3.core.Handle;

/** What a handler gets: its job, and a transaction opened on first use. */
public interface JobContext {
  Job job();

  /** The worker running this attempt: with job id and attempt, it fences writes outside the queue. */
  String workerId();

  /**
   * The attempt's transaction, as the service role. The job's completion is written in it and it
   * commits after the handler returns; it is rolled back if the handler throws or the job was lost.
   */
  Handle transaction();

  /** True once the worker learned that it no longer holds the job (rescued or cancelled). */
  boolean isLost();
}
