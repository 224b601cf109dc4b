package dev.sparkconv.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.IntStream;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.Test;

class ProgressTest {
  /** Lets the test's one task go on past its first half; static, so the task (same JVM, local mode) sees it. */
  private static final CountDownLatch RELEASE = new CountDownLatch(1);

  @Test
  void lineGivesShareRateAndEta() {
    assertEquals("infer: 250 / 1000 rows (25%), 50.0 rows/s, ETA 15 s", Progress.line("infer", 250, 1000, 5));
    assertEquals("infer: 0 / 10 rows (0%), 0.0 rows/s, ETA -", Progress.line("infer", 0, 10, 0));
    assertEquals("infer: 10 / 10 rows (100%), 5.0 rows/s, ETA -", Progress.line("infer", 10, 10, 2));
  }

  @Test
  void countsRowsOfTasksStillRunning() throws Exception {
    SparkContext sc = SparkTestSession.start("progress").sparkContext();
    LongAccumulator rows = sc.longAccumulator("progress test rows");
    List<Integer> input = IntStream.range(0, 100).boxed().toList();
    try (Progress progress = Progress.start(sc, "test", 100, rows)) {
      CompletableFuture<Long> job = CompletableFuture.supplyAsync(() -> JavaSparkContext.fromSparkContext(sc)
          .parallelize(input, 1)
          .mapPartitions((FlatMapFunction<Iterator<Integer>, Integer>) part -> {
            for (int i = 0; part.hasNext(); i++) {
              if (i == 50 && !RELEASE.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never released the task");
              }
              rows.add(1);
              part.next();
            }
            return List.<Integer>of().iterator();
          }).count());
      try {
        // The one task has done half its rows and waits: only its heartbeats can tell.
        assertTrue(waitFor(progress::done, 50), "progress " + progress.done() + " while the task waits");
        assertEquals(0, rows.value(), "the accumulator's driver value moves only when the task ends");
      } finally {
        RELEASE.countDown();
      }
      job.get(60, TimeUnit.SECONDS);
      assertEquals(100, rows.value());
      assertTrue(waitFor(() -> progress.done() == 100 ? 100 : 0, 100), "progress " + progress.done() + " at the end");
    }
  }

  /** Whether {@code value} reaches {@code target} within 30 s. */
  private static boolean waitFor(LongSupplier value, long target) throws InterruptedException {
    for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); System.nanoTime() < end; Thread.sleep(50)) {
      if (value.getAsLong() >= target) {
        return true;
      }
    }
    return false;
  }
}
