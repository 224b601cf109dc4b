package dev.sparkconv.jobs;

import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A periodic log line for long runs (rows done / total, rate, ETA), read from an accumulator the
 * tasks add to. Progress only: retried tasks may count twice; summaries count what was written.
 */
final class Progress implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Progress.class);
  /** Seconds between lines; the system property is for runs that want more or fewer. */
  static final long INTERVAL_SECONDS = Long.getLong("sparkconv.progress.seconds", 10);
  /** For soak runs: collect garbage before each line and report the live heap (off by default: it stalls the JVM). */
  static final boolean LIVE_HEAP = Boolean.getBoolean("sparkconv.progress.liveHeap");

  private final ScheduledExecutorService timer;

  private Progress(String what, long total, LongAccumulator done) {
    long start = System.nanoTime();
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "sparkconv-progress");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleAtFixedRate(() -> LOG.info(line(what, done.value(), total, (System.nanoTime() - start) / 1e9)
            + (LIVE_HEAP ? liveHeap() : "")),
        INTERVAL_SECONDS, INTERVAL_SECONDS, TimeUnit.SECONDS);
  }

  static Progress start(String what, long total, LongAccumulator done) {
    return new Progress(what, total, done);
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
  }
}
