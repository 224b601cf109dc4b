package dev.sparkconv.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkconv.io.model.ModelLoader;
import dev.sparkconv.nn.ExecutionContext;
import dev.sparkconv.nn.Network;
import dev.sparkconv.nn.tower.TowerPlan;
import dev.sparkconv.nn.tower.TowerPlanner;
import dev.sparkconv.tensor.Shapes;
import dev.sparkconv.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Towers on a real standalone cluster (scripts/cluster: two workers, one 1 GB executor each): the outputs equal
 * the single-JVM run for every id, and each executor fetched only its own towers' weights, by our record of
 * first opens and by the executors' own logs ("Started reading broadcast variable N"). Runs after `package`.
 */
class TowerClusterIT {
  private static final Path ROOT = Path.of(System.getProperty("sparkconv.root"));
  private static StandaloneCluster cluster;
  private static Path work;
  private static SparkSession spark;

  @BeforeAll
  static void up() throws Exception {
    cluster = StandaloneCluster.start("TowerClusterIT", Map.of("spark.locality.wait.process", "30s"));
    spark = cluster.spark();
    work = cluster.work();
  }

  @AfterAll
  static void down() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void twoTowerAlexNetOnTwoExecutors() throws IOException {
    Network net = ModelLoader.load(ROOT.resolve("conf/models/alexnet_two_tower.json"));
    runAndCheck(net, TowerPlanner.plan(net, 2), 6, "alexnet");
  }

  @Test
  void resnextBlockOverFourTowersOnTwoExecutors() throws IOException {
    Network net = TowerJobTest.resnextBlock();
    runAndCheck(net, TowerPlanner.plan(net, 4, 0), 40, "resnext");
  }

  @Test
  void survivesAnExecutorKilledMidJob() throws IOException {
    Network net = TowerJobTest.resnextBlock();
    java.util.concurrent.atomic.AtomicInteger tasksEnded = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicLong killed = new java.util.concurrent.atomic.AtomicLong(-1);
    String app = spark.sparkContext().applicationId();
    Set<Integer> towerStages = java.util.concurrent.ConcurrentHashMap.newKeySet();
    org.apache.spark.scheduler.SparkListener killer = new org.apache.spark.scheduler.SparkListener() {
      @Override
      public void onStageSubmitted(org.apache.spark.scheduler.SparkListenerStageSubmitted submitted) {
        if (submitted.stageInfo().numTasks() == 8) { // 2 towers x 4 partitions: a towers' stage
          towerStages.add(submitted.stageInfo().stageId());
        }
      }

      @Override
      public void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd end) {
        if (towerStages.contains(end.stageId()) && tasksEnded.incrementAndGet() == 3) {
          ProcessHandle.allProcesses()
              .filter(p -> p.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend")
                  && p.info().commandLine().orElse("").contains(app))
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
      TowerJob.Result result = runAndCheck(net, TowerPlanner.plan(net, 2, 0), 40, "killed", false);
      assertTrue(killed.get() > 0, "no executor was killed");
      System.out.println("killed executor pid " + killed.get() + "; fetched outside the plan: "
          + result.bytesFetchedOutsidePlan());
    } finally {
      spark.sparkContext().removeSparkListener(killer);
    }
  }

  private static void runAndCheck(Network net, TowerPlan plan, int n, String name) throws IOException {
    runAndCheck(net, plan, n, name, true);
  }

  /** Runs the plan over n seeded samples; every id once and equal to the single JVM; placement when asked. */
  private static TowerJob.Result runAndCheck(Network net, TowerPlan plan, int n, String name, boolean placement)
      throws IOException {
    List<Row> rows = new ArrayList<>();
    Map<String, float[]> expected = new HashMap<>();
    ExecutionContext ctx = new ExecutionContext();
    int[] shape = net.inputShape();
    for (int i = 0; i < n; i++) {
      float[] x = TowerJobTest.random(500 + i, Shapes.size(shape));
      rows.add(TensorRows.toRow(name + i, shape, x, 0));
      Tensor y = net.forward(Tensor.wrap(x, Shapes.batched(1, shape)), ctx);
      expected.put(name + i, java.util.Arrays.copyOf(y.data(), Shapes.size(y.shape())));
    }
    String in = work.resolve(name + "-in.parquet").toString();
    spark.createDataFrame(rows, TensorRows.SCHEMA).repartition(2).write().parquet(in);
    String out = work.resolve(name + "-out.parquet").toString();
    TowerJob.Result result = TowerJob.run(spark, plan, new InferenceJob.Options(in, out, null, 4, 4, false));
    System.out.println(result);
    assertEquals(n, result.summary().ok());

    Map<String, float[]> seen = new HashMap<>();
    for (Row row : spark.read().parquet(out).collectAsList()) {
      TensorRows.Sample s = TensorRows.decode(row);
      assertEquals(null, seen.put(s.id(), s.data()), "id " + s.id() + " written twice");
      float[] want = expected.get(s.id());
      double scale = 0;
      for (float v : want) {
        scale = Math.max(scale, Math.abs(v));
      }
      for (int i = 0; i < want.length; i++) {
        assertEquals(want[i], s.data()[i], 1e-5 * scale, s.id() + "[" + i + "]");
      }
    }
    assertEquals(expected.keySet(), seen.keySet());
    if (!placement) {
      return result;
    }

    assertEquals(2, result.assigned().size(), "two executors: " + result.assigned());
    assertEquals(0, result.bytesFetchedOutsidePlan(), result.toString());
    result.fetched().forEach((executor, towers) -> assertEquals(result.assigned().get(executor), towers, executor));
    // The executors' own logs: each read the broadcasts of its towers and of no other tower.
    Map<String, Set<Long>> read = broadcastsReadByExecutor();
    result.assigned().forEach((executor, towers) -> {
      for (int t = 0; t < plan.towers(); t++) {
        boolean fetched = read.getOrDefault(executor, Set.of()).contains(result.broadcastIds()[t]);
        assertEquals(towers.contains(t), fetched, "executor " + executor + ", tower " + t + ": logs " + read);
      }
    });
    return result;
  }

  /** Executor id (the folder of its stderr) to the broadcast ids its log says it read. */
  private static Map<String, Set<Long>> broadcastsReadByExecutor() throws IOException {
    Pattern fetch = Pattern.compile("Started reading broadcast variable (\\d+)");
    Map<String, Set<Long>> read = new HashMap<>();
    try (var files = Files.walk(work.resolve("cluster"))) {
      for (Path log : files.filter(f -> f.getFileName().toString().equals("stderr")).toList()) {
        Set<Long> ids = read.computeIfAbsent(log.getParent().getFileName().toString(), e -> new HashSet<>());
        Matcher m = fetch.matcher(Files.readString(log));
        while (m.find()) {
          ids.add(Long.parseLong(m.group(1)));
        }
      }
    }
    return read;
  }
}
