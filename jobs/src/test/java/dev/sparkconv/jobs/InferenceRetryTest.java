package dev.sparkconv.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkconv.io.model.ModelLoader;
import dev.sparkconv.nn.ExecutionContext;
import dev.sparkconv.nn.Layer;
import dev.sparkconv.nn.Network;
import dev.sparkconv.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tasks that fail once and run again: every row still lands once, in the output or the quarantine. */
class InferenceRetryTest {
  private static final AtomicInteger FAILED_TASKS = new AtomicInteger();
  private static SparkSession spark;

  @TempDir
  Path tmp;

  @BeforeAll
  static void start() {
    spark = SparkTestSession.start("InferenceRetryTest", true, "local[2,2]");
    spark.sparkContext().addSparkListener(new SparkListener() {
      @Override
      public void onTaskEnd(SparkListenerTaskEnd end) {
        if (!end.taskInfo().successful()) {
          FAILED_TASKS.incrementAndGet();
        }
      }
    });
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void refusedRowsOfFailedAttemptsAreQuarantinedOnceAndTheCountsAreExact() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      rows.add(TensorRows.toRow("good" + i, Tensor.zeros(1, 32, 32)));
      if (i % 4 == 0) { // a failed attempt reports those it refused before its failing batch as well
        rows.add(RowFactory.create("bad" + i, List.of(1, 32, 32), "float32", new byte[100]));
      }
    }
    String in = tmp.resolve("in.parquet").toString();
    spark.createDataFrame(rows, TensorRows.SCHEMA).repartition(2).write().parquet(in);
    Network lenet = ModelLoader.load(Path.of(System.getProperty("sparkconv.root"), "conf/models/lenet5.json"));
    List<Layer> layers = new ArrayList<>(lenet.layers());
    layers.add(1, new FirstAttemptFails());
    Network wired = new Network("lenet5", new int[] {1, 32, 32}, layers);

    FAILED_TASKS.set(0);
    String out = tmp.resolve("out.parquet").toString();
    RunSummary summary = InferenceJob.run(spark, wired, new InferenceJob.Options(in, out, null, 4, 2, false));

    assertTrue(FAILED_TASKS.get() >= 2, "both inference tasks failed once: " + FAILED_TASKS.get());
    assertEquals(15, summary.in());
    assertEquals(12, summary.ok());
    assertEquals(3, summary.quarantined());
    assertEquals(12, spark.read().parquet(out).select("id").distinct().count());
    List<String> quarantined = spark.read().parquet(summary.quarantine()).select("id").as(Encoders.STRING())
        .collectAsList().stream().sorted().toList();
    assertEquals(List.of("bad0", "bad4", "bad8"), quarantined);
  }

  @Test
  void ingestTasksThatRunAgainCountEveryFileOnce() throws Exception {
    Path in = tmp.resolve("files");
    java.nio.file.Files.createDirectories(in);
    for (int i = 0; i < 6; i++) {
      dev.sparkconv.io.Npy.write(in.resolve("good" + i + ".npy"), Tensor.zeros(1, 4, 4));
    }
    java.nio.file.Files.writeString(in.resolve("bad.npy"), "not an array");
    FAILED_TASKS.set(0);
    String out = tmp.resolve("ingested.parquet").toString();
    RunSummary summary = FileIngest.run(spark, new SecondFileOfFirstAttemptFails(), new FileIngest.Source(
        in.toString(), null), out, false);

    assertTrue(FAILED_TASKS.get() >= 1, "an ingest task failed once: " + FAILED_TASKS.get());
    assertEquals(7, summary.in());
    assertEquals(6, summary.ok());
    assertEquals(1, summary.quarantined());
    assertEquals(6, summary.outputRows());
    assertEquals(6, spark.read().parquet(out).select("id").distinct().count());
  }

  /** Decodes .npy files, but the first attempt of a task fails (a bug, not bad data) at its second file. */
  static final class SecondFileOfFirstAttemptFails implements dev.sparkconv.io.FileDecoder {
    private final dev.sparkconv.io.NpyDecoder npy = new dev.sparkconv.io.NpyDecoder();
    private transient int files;

    @Override
    public List<dev.sparkconv.io.FileDecoder.Sample> decode(String id, byte[] content) {
      if (++files == 2 && TaskContext.get().attemptNumber() == 0) {
        throw new IllegalStateException("first attempt fails");
      }
      return npy.decode(id, content);
    }
  }

  /** An identity layer whose first attempt of every task fails, after the task reported its refused rows. */
  static final class FirstAttemptFails extends PipelineTest.Tripwire {
    @Override
    public void forward(Tensor in, Tensor out, ExecutionContext ctx) {
      if (TaskContext.get() != null && TaskContext.get().attemptNumber() == 0) {
        throw new IllegalStateException("first attempt fails");
      }
      System.arraycopy(in.data(), 0, out.data(), 0, in.size());
    }
  }
}
