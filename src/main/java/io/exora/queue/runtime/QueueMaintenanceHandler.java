package io.exora.queue.runtime;

import io.exora.queue.JobContext;
import io.exora.queue.JobHandler;
import io.exora.queue.PermanentJobFailure;
import java.util.Map;

/**
 * Handles {@code system_maintenance} jobs for the queue itself, so an operator can ask for
 * maintenance now instead of waiting for the next pass: {@code {"task": "prune_finished_jobs"}}
 * archives finished jobs past their retention.
 */
public final class QueueMaintenanceHandler implements JobHandler {
  public static final String JOB_TYPE = "system_maintenance";
  private final Pruner pruner;

  public QueueMaintenanceHandler(Pruner pruner) {
    this.pruner = pruner;
  }

  @Override
  public Map<String, Object> handle(JobContext context) {
    String task = context.job().payload().path("task").asText("");
    return switch (task) {
      case "prune_finished_jobs" -> Map.of("task", task, "deleted", pruner.runOnce());
      default -> throw new PermanentJobFailure("unknown_task",
          "system_maintenance task must be one of [prune_finished_jobs], got '" + task + "'");
    };
  }
}
