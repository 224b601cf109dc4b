package dev.sparkconv.jobs;

import java.io.Serializable;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;

/**
 * Whether any task of a job ran more than once (a retry, a speculative copy, a stage run again). Counts the tasks
 * keep in accumulators are exact when none did; otherwise a job counts again from what it wrote.
 */
record Reruns(LongAccumulator tasks) implements Serializable {
  static Reruns register(SparkSession spark) {
    return new Reruns(spark.sparkContext().longAccumulator("sparkconv rerun tasks"));
  }

  /** Called by each task (or for each record: a rerun then counts its records, which is as good). */
  void note() {
    TaskContext task = TaskContext.get();
    if (task != null && (task.attemptNumber() > 0 || task.stageAttemptNumber() > 0)) {
      tasks.add(1);
    }
  }

  boolean none() {
    return tasks.value() == 0;
  }
}
