package dev.sparkconv.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkconv.io.Npy;
import dev.sparkconv.io.NpyDecoder;
import dev.sparkconv.io.model.ModelLoader;
import dev.sparkconv.nn.ExecutionContext;
import dev.sparkconv.nn.Network;
import dev.sparkconv.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The job on a real standalone cluster: scripts/cluster starts a master and two workers (separate
 * JVMs), this JVM is the driver, the executors load the shaded jar. Runs after `package`.
 */
class ClusterIT {
  private static final Path ROOT = Path.of(System.getProperty("sparkconv.root"));
  private static final int SAMPLES = 400;
  private static StandaloneCluster cluster;
  private static Path work;
  private static SparkSession spark;
  private static Network lenet;
  private static String input;
  private static final Map<String, float[]> expected = new HashMap<>();

  @BeforeAll
  static void up() throws Exception {
    cluster = StandaloneCluster.start("ClusterIT", Map.of());
    spark = cluster.spark();
    work = cluster.work();
    lenet = ModelLoader.load(ROOT.resolve("conf/models/lenet5.json"));
    // The samples arrive as .npy files and are ingested by the cluster's executors.
    Path npy = Files.createDirectories(work.resolve("npy"));
    SplittableRandom random = new SplittableRandom(11);
    ExecutionContext ctx = new ExecutionContext();
    for (int i = 0; i < SAMPLES; i++) {
      float[] data = new float[32 * 32];
      for (int j = 0; j < data.length; j++) {
        data[j] = (float) random.nextDouble();
      }
      Npy.write(npy.resolve("s" + i + ".npy"), Tensor.wrap(data, 1, 32, 32));
      expected.put("s" + i, lenet.forward(Tensor.wrap(data, 1, 1, 32, 32), ctx).toArray());
    }
    input = work.resolve("in.parquet").toString();
    RunSummary ingest = FileIngest.run(spark, new NpyDecoder(), new FileIngest.Source(npy.toString(), null), input, false);
    assertEquals(SAMPLES, ingest.ok());
  }

  @AfterAll
  static void down() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void clusterOutputEqualsTheSingleJvmRun() throws IOException {
    String out = work.resolve("out.parquet").toString();
    RunSummary summary = InferenceJob.run(spark, lenet, new InferenceJob.Options(input, out, null, 16, 8, false));
    assertEquals(SAMPLES, summary.ok());
    assertEquals(0, summary.quarantined());
    assertEveryIdOnceAndExact(out);
    assertNoBroadcastFetchedTwiceByOneExecutor();
  }

  /**
   * Eight tasks on two executors: each executor logs every broadcast it fetches, and none, the
   * model included, may be fetched twice by one executor (once per executor, not once per task).
   */
  private static void assertNoBroadcastFetchedTwiceByOneExecutor() throws IOException {
    Pattern fetch = Pattern.compile("Started reading broadcast variable (\\d+)");
    List<Path> logs;
    try (var files = Files.walk(work.resolve("cluster"))) {
      logs = files.filter(f -> f.getFileName().toString().equals("stderr")).toList();
    }
    assertTrue(logs.size() >= 2, "executor logs: " + logs);
    for (Path log : logs) {
      Map<String, Integer> fetches = new HashMap<>();
      Matcher m = fetch.matcher(Files.readString(log));
      while (m.find()) {
        fetches.merge(m.group(1), 1, Integer::sum);
      }
      assertTrue(!fetches.isEmpty(), log + " shows no broadcast fetch");
      fetches.forEach((id, n) -> assertEquals(1, n, log + ": broadcast " + id + " fetched " + n + " times"));
    }
  }

  @Test
  void survivesAnExecutorKilledMidJob() {
    AtomicInteger tasksEnded = new AtomicInteger();
    AtomicLong killed = new AtomicLong(-1);
    SparkListener killer = new SparkListener() {
      @Override
      public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
        if (tasksEnded.incrementAndGet() == 3) {
          ProcessHandle.allProcesses()
              .filter(p -> p.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"))
              .findFirst()
              .ifPresent(p -> {
                killed.set(p.pid());
                p.destroyForcibly();
              });
        }
      }
    };
    spark.sparkContext().addSparkListener(killer);
    try {
      String out = work.resolve("out-fault.parquet").toString();
      RunSummary summary = InferenceJob.run(spark, lenet, new InferenceJob.Options(input, out, null, 4, 16, false));
      assertTrue(killed.get() > 0, "no executor was killed");
      assertEquals(SAMPLES, summary.ok());
      assertEveryIdOnceAndExact(out);
    } finally {
      spark.sparkContext().removeSparkListener(killer);
    }
  }

  private static void assertEveryIdOnceAndExact(String out) {
    List<Row> rows = spark.read().parquet(out).collectAsList();
    assertEquals(SAMPLES, rows.size());
    Map<String, float[]> seen = new HashMap<>();
    for (Row row : rows) {
      TensorRows.Sample s = TensorRows.decode(row);
      assertEquals(null, seen.put(s.id(), s.data()), "id " + s.id() + " written twice");
      assertArrayEquals(expected.get(s.id()), s.data(), 1e-6f, s.id());
    }
  }
}
