package dev.sparkconv.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkconv.io.model.ModelLoader;
import dev.sparkconv.nn.Add;
import dev.sparkconv.nn.Conv;
import dev.sparkconv.nn.ExecutionContext;
import dev.sparkconv.nn.Network;
import dev.sparkconv.nn.Relu;
import dev.sparkconv.nn.tower.TowerPlan;
import dev.sparkconv.nn.tower.TowerPlanner;
import dev.sparkconv.tensor.Shapes;
import dev.sparkconv.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Towers on Spark local mode (Kryo, registration required): every id's output equals the single-JVM forward
 * of the whole network within 1e-5 of the largest output; a row of another shape is quarantined.
 */
class TowerJobTest {
  private static final Path ROOT = Path.of(System.getProperty("sparkconv.root"));
  private static SparkSession spark;

  @TempDir
  Path tmp;

  @BeforeAll
  static void start() {
    spark = SparkTestSession.start("TowerJobTest");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static float[] random(long seed, int count) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[count];
    for (int i = 0; i < count; i++) {
      v[i] = (float) (r.nextDouble() * 2 - 1);
    }
    return v;
  }

  /** ResNeXt's bottleneck with cardinality 32 (as in operators' TowerPlanTest). */
  static Network resnextBlock() {
    int[] one = {1, 1};
    int[] three = {3, 3};
    return Network.builder("resnext_block", new int[] {256, 8, 8})
        .add(new Conv("reduce", 256, 128, one, one, new int[] {0, 0}, one, 1, random(1, 128 * 256), random(2, 128)))
        .add(new Relu("relu1"))
        .add(new Conv("grouped", 128, 128, three, one, one, one, 32, random(3, 128 * 4 * 9), random(4, 128)))
        .add(new Relu("relu2"))
        .add(new Conv("expand", 128, 256, one, one, new int[] {0, 0}, one, 1, random(5, 256 * 128), random(6, 256)))
        .add(new Add("add"), "expand", Network.INPUT).add(new Relu("out"), "add")
        .build();
  }

  /** Writes n samples (and one of a wrong shape) and runs the plan; returns the outputs by id. */
  private Map<String, float[]> runTowers(Network net, TowerPlan plan, int n, Map<String, float[]> expected) {
    List<Row> rows = new ArrayList<>();
    int[] shape = net.inputShape();
    ExecutionContext ctx = new ExecutionContext();
    for (int i = 0; i < n; i++) {
      float[] x = random(100 + i, Shapes.size(shape));
      rows.add(TensorRows.toRow("s" + i, shape, x, 0));
      Tensor y = net.forward(Tensor.wrap(x, Shapes.batched(1, shape)), ctx);
      expected.put("s" + i, Arrays.copyOf(y.data(), Shapes.size(y.shape())));
    }
    int[] wrong = shape.clone();
    wrong[wrong.length - 1] += 1;
    rows.add(TensorRows.toRow("wrong-shape", wrong, new float[Shapes.size(wrong)], 0));
    String in = tmp.resolve("in.parquet").toString();
    spark.createDataFrame(rows, TensorRows.SCHEMA).repartition(2).write().parquet(in);
    String out = tmp.resolve("out.parquet").toString();
    TowerJob.Result result = TowerJob.run(spark, plan, new InferenceJob.Options(in, out, null, 2, 2, false));
    System.out.println(result);
    assertEquals(n, result.summary().ok());
    assertEquals(1, result.summary().quarantined());
    assertEquals(0, result.bytesFetchedOutsidePlan(), "local mode: the driver holds every tower");
    assertTrue(spark.read().parquet(InferenceJob.defaultQuarantine(out)).first().getAs("error").toString()
        .contains("towers run the plan's input shape"));
    Map<String, float[]> got = new HashMap<>();
    for (Row row : spark.read().parquet(out).collectAsList()) {
      got.put(row.getAs(TensorRows.ID), TensorRows.decode(row).data());
    }
    return got;
  }

  private void assertTowersEqualSingleJvm(Network net, TowerPlan plan, int n) {
    Map<String, float[]> expected = new HashMap<>();
    Map<String, float[]> got = runTowers(net, plan, n, expected);
    assertEquals(expected.keySet(), got.keySet());
    for (String id : expected.keySet()) {
      float[] want = expected.get(id);
      float[] have = got.get(id);
      assertEquals(want.length, have.length, id);
      double scale = 0;
      for (float v : want) {
        scale = Math.max(scale, Math.abs(v));
      }
      for (int i = 0; i < want.length; i++) {
        assertEquals(want[i], have[i], 1e-5 * scale, id + "[" + i + "]");
      }
    }
  }

  @Test
  void resnextBlockOverFourTowers() {
    Network net = resnextBlock();
    assertTowersEqualSingleJvm(net, TowerPlanner.plan(net, 4, 0), 5);
  }

  @Test
  void outputNodesAreGatheredAndWrittenPerNode() {
    Network net = resnextBlock();
    TowerPlan plan = TowerPlanner.plan(net, 2, 0, "relu2", "out");
    List<Row> rows = new ArrayList<>();
    Map<String, float[]> expected = new HashMap<>();
    ExecutionContext ctx = new ExecutionContext();
    for (int i = 0; i < 3; i++) {
      float[] x = random(300 + i, 256 * 64);
      rows.add(TensorRows.toRow("n" + i, net.inputShape(), x, 0));
      Tensor[] y = net.forward(Tensor.wrap(x, 1, 256, 8, 8), ctx, "relu2", "out");
      expected.put("n" + i + "/relu2", Arrays.copyOf(y[0].data(), 128 * 64));
      expected.put("n" + i + "/out", Arrays.copyOf(y[1].data(), 256 * 64));
    }
    String in = tmp.resolve("in.parquet").toString();
    spark.createDataFrame(rows, TensorRows.SCHEMA).write().parquet(in);
    String out = tmp.resolve("out.parquet").toString();
    var opts = new InferenceJob.Options(in, out, null, 2, 2, InferenceJob.Mode.CREATE, "test", new String[] {"relu2", "out"},
        null);
    assertEquals(3, TowerJob.run(spark, plan, opts).summary().ok());
    List<Row> written = spark.read().parquet(out).collectAsList();
    assertEquals(6, written.size());
    for (Row row : written) {
      float[] want = expected.get(row.getAs(TensorRows.ID) + "/" + row.getAs(InferenceJob.NODE));
      assertArrayEquals(want, TensorRows.decode(row).data(), 1e-5f);
    }
  }

  @Test
  void twoTowerAlexNet() {
    Network net = ModelLoader.load(ROOT.resolve("conf/models/alexnet_two_tower.json"));
    assertTowersEqualSingleJvm(net, TowerPlanner.plan(net, 2), 3);
  }

  @Test
  void resnet18OverTwoTowers() {
    Network net = ModelLoader.load(ROOT.resolve("conf/models/resnet18.json"));
    assertTowersEqualSingleJvm(net, TowerPlanner.plan(net, 2, 0), 2);
  }
}
