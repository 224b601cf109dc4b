package dev.sparkconv.jobs;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A periodic log line for long runs (rows done / total, rate, ETA), read from an accumulator the tasks add to:
 * its driver value for the tasks that ended, and for the running ones what their executors' heartbeats last
 * reported (the driver value moves only when a task ends: a job of two long tasks read 0% until its end).
 * Progress only: retried tasks may count twice; summaries count what was written.
 */
final class Progress implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Progress.class);
  /** Seconds between lines; the system property is for runs that want more or fewer. */
  static final long INTERVAL_SECONDS = Long.getLong("sparkconv.progress.seconds", 10);
  /** For soak runs: collect garbage before each line and report the live heap (off by default: it stalls the JVM). */
  static final boolean LIVE_HEAP = Boolean.getBoolean("sparkconv.progress.liveHeap");

  private final ScheduledExecutorService timer;
  private final SparkContext sc;
  private final LongAccumulator done;
  private final Running running;

  private Progress(SparkContext sc, String what, long total, LongAccumulator done) {
    this.sc = sc;
    this.done = done;
    this.running = new Running(done.id());
    sc.addSparkListener(running);
    long start = System.nanoTime();
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "sparkconv-progress");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleAtFixedRate(() -> LOG.info(line(what, Math.min(total, done()), total,
            (System.nanoTime() - start) / 1e9) + (LIVE_HEAP ? liveHeap() : "")),
        INTERVAL_SECONDS, INTERVAL_SECONDS, TimeUnit.SECONDS);
  }

  static Progress start(SparkContext sc, String what, long total, LongAccumulator done) {
    return new Progress(sc, what, total, done);
  }

  /** Rows done: the ended tasks' and the running tasks' last heartbeats' (a task ending may count twice briefly). */
  long done() {
    return done.value() + running.rows();
  }

  /** The accumulator's value in each running task as its executor's heartbeats report it. */
  private static final class Running extends SparkListener {
    private final long accumulatorId;
    private final Map<Long, Long> byTask = new ConcurrentHashMap<>();
    private final Set<Long> ended = ConcurrentHashMap.newKeySet();

    Running(long accumulatorId) {
      this.accumulatorId = accumulatorId;
    }

    long rows() {
      return byTask.values().stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
      for (var task : scala.jdk.javaapi.CollectionConverters.asJava(update.accumUpdates())) {
        long taskId = (Long) task._1();
        for (AccumulableInfo info : scala.jdk.javaapi.CollectionConverters.asJava(task._4())) {
          if (info.id() == accumulatorId && info.update().isDefined() && !ended.contains(taskId)) {
            byTask.put(taskId, ((Number) info.update().get()).longValue());
          }
        }
      }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
      long taskId = end.taskInfo().taskId();
      ended.add(taskId); // a heartbeat sent before the end may arrive after it
      byTask.remove(taskId);
    }
  }

  static String line(String what, long done, long total, double seconds) {
    double rate = seconds > 0 ? done / seconds : 0;
    String eta = rate > 0 && done < total ? String.format(Locale.ROOT, "%.0f s", (total - done) / rate) : "-";
    return String.format(Locale.ROOT, "%s: %d / %d rows (%.0f%%), %.1f rows/s, ETA %s", what, done, total,
        total > 0 ? 100.0 * done / total : 100.0, rate, eta);
  }

  private static String liveHeap() {
    System.gc();
    Runtime rt = Runtime.getRuntime();
    return String.format(Locale.ROOT, ", live heap %d MiB", (rt.totalMemory() - rt.freeMemory()) >> 20);
  }

  @Override
  public void close() {
    timer.shutdownNow();
    sc.removeSparkListener(running);
  }
}
