package dev.sparkconv.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkconv.io.model.ModelLoader;
import dev.sparkconv.nn.ExecutionContext;
import dev.sparkconv.nn.Network;
import dev.sparkconv.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the inference job reads its input: one file of several row groups is split by the scan into the partitions
 * asked for, without shuffling the input; a file whose one row group cannot be shared out is repartitioned.
 * Either way every row is written once, to the output or (refused, in the same pass) to the quarantine.
 */
class InferencePartitionsTest {
  private static final int ROWS = 600;
  private static final int BYTES_PER_ROW = 32 * 32 * 4;
  private static SparkSession spark;
  private static Network lenet;
  private static final AtomicLong shuffleBytes = new AtomicLong();

  @TempDir
  Path tmp;

  @BeforeAll
  static void start() {
    spark = SparkTestSession.start("InferencePartitionsTest");
    lenet = ModelLoader.load(Path.of(System.getProperty("sparkconv.root"), "conf/models/lenet5.json"));
    spark.sparkContext().addSparkListener(new SparkListener() {
      @Override
      public void onTaskEnd(SparkListenerTaskEnd end) {
        if (end.taskMetrics() != null) {
          shuffleBytes.addAndGet(end.taskMetrics().shuffleWriteMetrics().bytesWritten());
        }
      }
    });
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void oneFileOfManyRowGroupsIsSplitByTheScanWithoutShufflingTheInput() throws Exception {
    String in = input(16); // rows per row group
    // Spark charges 4 MB per file opened and never cuts splits below that: a few MB of test data would be one split.
    spark.conf().set("spark.sql.files.openCostInBytes", 64 * 1024);
    long shuffled;
    try {
      shuffled = inferAndCheck(in);
    } finally {
      spark.conf().unset("spark.sql.files.openCostInBytes");
    }
    assertTrue(shuffled < ROWS * BYTES_PER_ROW / 10, "shuffled " + shuffled + " bytes (only counts' partials)");
  }

  @Test
  void oneRowGroupIsRepartitionedSoEveryTaskGetsItsShare() throws Exception {
    String in = input(ROWS + 2);
    long shuffled = inferAndCheck(in);
    assertTrue(shuffled > ROWS * BYTES_PER_ROW / 2, "shuffled " + shuffled + " bytes: the input was not repartitioned");
  }

  @Test
  void partitionsAreBalancedWhenNoneHoldsMuchMoreThanItsShare() {
    assertTrue(InferenceJob.balanced(new long[] {512, 512}, 2));
    assertTrue(InferenceJob.balanced(new long[] {100, 100, 100, 100, 100}, 2));
    assertFalse(InferenceJob.balanced(new long[] {1024}, 2));
    assertFalse(InferenceJob.balanced(new long[] {850, 174}, 2)); // a 128 MB row group and the rest
    assertTrue(InferenceJob.balanced(new long[] {0}, 4)); // nothing to share
  }

  /** Runs the job with 4 partitions on IN; checks every row against the in-JVM forward; returns the bytes shuffled. */
  private long inferAndCheck(String in) throws Exception {
    String out = tmp.resolve("out.parquet").toString();
    shuffleBytes.set(0);
    RunSummary summary = InferenceJob.run(spark, lenet, new InferenceJob.Options(in, out, null, 16, 4, false));
    long shuffled = shuffleBytes.get();
    assertEquals(ROWS + 2, summary.in());
    assertEquals(ROWS, summary.ok());
    assertEquals(2, summary.quarantined());
    try (var files = Files.list(Path.of(out))) {
      assertEquals(4, files.filter(f -> f.getFileName().toString().endsWith(".parquet")).count(),
          "one output file per partition");
    }
    ExecutionContext ctx = new ExecutionContext();
    List<Row> rows = spark.read().parquet(out).collectAsList();
    assertEquals(ROWS, rows.size());
    for (Row row : rows) {
      TensorRows.Sample s = TensorRows.decode(row);
      assertArrayEquals(lenet.forward(inputs.get(s.id()).reshape(1, 1, 32, 32), ctx).toArray(), s.data(), 1e-6f,
          s.id());
    }
    List<Row> refused = spark.read().parquet(InferenceJob.defaultQuarantine(out)).collectAsList();
    assertEquals(2, refused.size());
    for (Row r : refused) {
      assertTrue(r.getString(r.fieldIndex(TensorRows.ID)).startsWith("wide"), r.toString());
      assertTrue(r.getString(r.fieldIndex(TensorRows.ERROR)).contains("does not fit the model"), r.toString());
      assertEquals(BYTES_PER_ROW * 2, ((byte[]) r.get(r.fieldIndex(TensorRows.DATA))).length, "original bytes kept");
    }
    return shuffled;
  }

  private final Map<String, Tensor> inputs = new HashMap<>();

  /** ROWS LeNet inputs and two rows too wide for it, in one Parquet file, row groups of {@code rowGroup} rows. */
  private String input(int rowGroup) {
    List<Row> rows = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < ROWS; i++) {
      float[] data = new float[32 * 32];
      for (int j = 0; j < data.length; j++) {
        data[j] = (float) random.nextDouble();
      }
      inputs.put("s" + i, Tensor.wrap(data, 1, 32, 32));
      rows.add(TensorRows.toRow("s" + i, Tensor.wrap(data, 1, 32, 32)));
    }
    for (int i = 0; i < 2; i++) {
      rows.add(TensorRows.toRow("wide" + i, Tensor.wrap(new float[32 * 64], 1, 32, 64)));
    }
    String in = tmp.resolve("in.parquet").toString();
    spark.createDataFrame(rows, TensorRows.SCHEMA).coalesce(1).write().option("parquet.block.row.count.limit", rowGroup)
        .parquet(in);
    return in;
  }
}
