package dev.sparkconv.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkconv.io.Npy;
import dev.sparkconv.io.NpyDecoder;
import dev.sparkconv.io.model.ModelLoader;
import dev.sparkconv.nn.ExecutionContext;
import dev.sparkconv.nn.Network;
import dev.sparkconv.tensor.Shapes;
import dev.sparkconv.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ingest -> infer -> export in local mode against the same network run in this JVM. */
class PipelineTest {
  private static final int SAMPLES = 37; // not a multiple of the batch size or the partition count
  private static SparkSession spark;
  private static Network lenet;

  @TempDir
  Path tmp;

  @BeforeAll
  static void start() {
    spark = SparkTestSession.start("PipelineTest");
    lenet = ModelLoader.load(Path.of(System.getProperty("sparkconv.root"), "conf/models/lenet5.json"));
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void everyIdMatchesTheSingleJvmRunAndBadFilesAreQuarantined() throws Exception {
    Path npyIn = Files.createDirectories(tmp.resolve("npy-in"));
    Map<String, Tensor> inputs = new HashMap<>();
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < SAMPLES; i++) {
      float[] data = new float[32 * 32];
      for (int j = 0; j < data.length; j++) {
        data[j] = (float) random.nextDouble();
      }
      Tensor sample = Tensor.wrap(data, 1, 32, 32);
      inputs.put("s" + i, sample);
      Npy.write(npyIn.resolve("s" + i + ".npy"), sample);
    }
    Files.write(npyIn.resolve("truncated.npy"), new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1});
    Tensor nested = Tensor.wrap(new float[32 * 32], 1, 32, 32);
    inputs.put("sub/zeros", nested);
    Npy.write(Files.createDirectories(npyIn.resolve("sub")).resolve("zeros.npy"), nested);

    String parquet = tmp.resolve("in.parquet").toString();
    RunSummary ingest = FileIngest.run(spark, new NpyDecoder(), new FileIngest.Source(npyIn.toString(), null), parquet, false);
    assertEquals(SAMPLES + 2, ingest.in());
    assertEquals(SAMPLES + 1, ingest.ok());
    assertEquals(1, ingest.quarantined());
    Row bad = spark.read().parquet(InferenceJob.defaultQuarantine(parquet)).first();
    assertEquals("truncated", bad.getString(bad.fieldIndex("id")));
    assertTrue(bad.getString(bad.fieldIndex("error")).contains("truncated.npy"), bad.toString());
    assertEquals(7L, bad.getLong(bad.fieldIndex(FileIngest.LENGTH)));
    assertEquals(7, ((byte[]) bad.get(bad.fieldIndex("data"))).length);
    assertTrue(idIsRequired(parquet), "the Parquet footer declares id required, as the tensor format says");

    String out = tmp.resolve("out.parquet").toString();
    RunSummary infer = InferenceJob.run(spark, lenet, new InferenceJob.Options(parquet, out, null, 4, 3, false));
    assertEquals(SAMPLES + 1, infer.ok());
    assertEquals(0, infer.quarantined());

    Path npyOut = tmp.resolve("npy-out");
    FileExport.run(spark, out, npyOut, FileExport.Format.npy, null);
    ExecutionContext ctx = new ExecutionContext();
    for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
      Tensor expected = lenet.forward(e.getValue().reshape(1, 1, 32, 32), ctx);
      Tensor actual = Npy.readTensor(npyOut.resolve(e.getKey() + ".npy"));
      assertArrayEquals(new int[] {10}, actual.shape(), e.getKey());
      assertArrayEquals(expected.toArray(), actual.toArray(), 1e-6f, e.getKey());
    }
    try (var files = Files.list(npyOut)) {
      assertEquals(SAMPLES + 1, files.count(), "one file per sample plus the sub folder");
    }
  }

  private static boolean idIsRequired(String parquet) throws java.io.IOException {
    Path part;
    try (var files = Files.list(Path.of(parquet))) {
      part = files.filter(f -> f.toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
    var file = org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(
        new org.apache.hadoop.fs.Path(part.toUri()), new org.apache.hadoop.conf.Configuration());
    try (var reader = org.apache.parquet.hadoop.ParquetFileReader.open(file)) {
      return reader.getFileMetaData().getSchema().getType("id")
          .isRepetition(org.apache.parquet.schema.Type.Repetition.REQUIRED);
    }
  }

  /** Zoo graphs (shuffle, concat and add shortcuts, depthwise; modulated deformable) through the Spark job. */
  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"shufflenet_v1_g3", "deformable_block"})
  void zooModelsRunInTheJobAsInOneJvm(String model) {
    Network net = ModelLoader.load(Path.of(System.getProperty("sparkconv.root"), "conf/models", model + ".json"));
    SplittableRandom random = new SplittableRandom(11);
    List<Row> rows = new ArrayList<>();
    Map<String, Tensor> inputs = new HashMap<>();
    for (int i = 0; i < 3; i++) {
      float[] data = new float[Shapes.size(net.inputShape())];
      for (int j = 0; j < data.length; j++) {
        data[j] = (float) random.nextGaussian();
      }
      Tensor sample = Tensor.wrap(data, net.inputShape());
      inputs.put("z" + i, sample);
      rows.add(TensorRows.toRow("z" + i, sample));
    }
    String in = tmp.resolve(model + ".parquet").toString();
    spark.createDataFrame(rows, TensorRows.SCHEMA).repartition(2).write().parquet(in);
    String out = tmp.resolve(model + "-out.parquet").toString();
    RunSummary summary = InferenceJob.run(spark, net, new InferenceJob.Options(in, out, null, 2, 2, false));
    assertEquals(3, summary.ok());
    ExecutionContext ctx = new ExecutionContext();
    for (Row row : spark.read().parquet(out).collectAsList()) {
      String id = row.getString(row.fieldIndex("id"));
      TensorRows.Sample actual = TensorRows.decode(row);
      Tensor expected = net.forward(inputs.get(id).reshape(Shapes.batched(1, net.inputShape())), ctx);
      assertArrayEquals(net.outputShape(), actual.shape(), id);
      assertArrayEquals(expected.toArray(), actual.data(), 1e-6f, model + " " + id);
    }
  }

  @Test
  void rowsThatDoNotFitGoToQuarantineAndTheRestComplete() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      rows.add(TensorRows.toRow("good" + i, Tensor.zeros(1, 32, 32)));
    }
    rows.add(RowFactory.create("short-data", List.of(1, 32, 32), "float32", new byte[100]));
    rows.add(RowFactory.create("wrong-shape", List.of(3, 32, 32), "float32", new byte[3 * 32 * 32 * 4]));
    rows.add(RowFactory.create("bad-dtype", List.of(1, 32, 32), "float64", new byte[32 * 32 * 8]));
    String in = tmp.resolve("mixed.parquet").toString();
    spark.createDataFrame(rows, TensorRows.SCHEMA).repartition(3).write().parquet(in);

    String out = tmp.resolve("mixed-out.parquet").toString();
    RunSummary summary = InferenceJob.run(spark, lenet, new InferenceJob.Options(in, out, null, 8, 0, false));
    assertEquals(13, summary.in());
    assertEquals(10, summary.ok());
    assertEquals(3, summary.quarantined());

    List<String> okIds = spark.read().parquet(out).select("id").as(org.apache.spark.sql.Encoders.STRING())
        .collectAsList().stream().sorted().collect(Collectors.toList());
    assertEquals(10, okIds.size());
    assertTrue(okIds.stream().allMatch(id -> id.startsWith("good")));
    Map<String, Row> quarantined = spark.read().parquet(summary.quarantine()).collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(r.fieldIndex("id")), r -> r));
    assertTrue(error(quarantined, "short-data").contains("data"), error(quarantined, "short-data"));
    assertTrue(error(quarantined, "wrong-shape").contains("c1"), error(quarantined, "wrong-shape"));
    assertTrue(error(quarantined, "bad-dtype").contains("float64"), error(quarantined, "bad-dtype"));
    Row original = quarantined.get("wrong-shape");
    assertEquals(3 * 32 * 32 * 4, ((byte[]) original.get(original.fieldIndex("data"))).length);
  }

  @Test
  void onlyTheBadRowOfASharedIdAndARowWithoutIdAreQuarantined() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      rows.add(TensorRows.toRow("good" + i, Tensor.zeros(1, 32, 32)));
    }
    rows.add(RowFactory.create("good3", List.of(1, 32, 32), "float32", new byte[100])); // shares a good row's id
    rows.add(RowFactory.create(null, List.of(1, 32, 32), "float32", new byte[32 * 32 * 4]));
    String in = tmp.resolve("shared-ids.parquet").toString();
    org.apache.spark.sql.types.StructType nullableIds = new org.apache.spark.sql.types.StructType(
        java.util.Arrays.stream(TensorRows.SCHEMA.fields()).map(f -> f.copy(f.name(), f.dataType(), true, f.metadata()))
            .toArray(org.apache.spark.sql.types.StructField[]::new)); // as a file written elsewhere may declare it
    spark.createDataFrame(rows, nullableIds).repartition(2).write().parquet(in);

    String out = tmp.resolve("shared-ids-out.parquet").toString();
    RunSummary summary = InferenceJob.run(spark, lenet, new InferenceJob.Options(in, out, null, 4, 0, false));
    assertEquals(8, summary.in());
    assertEquals(6, summary.ok());
    assertEquals(2, summary.quarantined());
    List<Row> quarantined = spark.read().parquet(summary.quarantine()).collectAsList();
    Row shared = quarantined.stream().filter(r -> "good3".equals(r.getString(r.fieldIndex("id")))).findFirst()
        .orElseThrow();
    assertEquals(100, ((byte[]) shared.get(shared.fieldIndex("data"))).length);
    assertTrue(shared.getString(shared.fieldIndex("error")).contains("data"), shared.toString());
    Row unnamed = quarantined.stream().filter(r -> r.isNullAt(r.fieldIndex("id"))).findFirst().orElseThrow();
    assertTrue(unnamed.getString(unnamed.fieldIndex("error")).contains("id"), unnamed.toString());
  }

  @Test
  void incrementalRunsComputeOnlyNewIdsAndRefuseAnotherModel() throws Exception {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      float[] data = new float[32 * 32];
      java.util.Arrays.fill(data, i / 30f);
      rows.add(TensorRows.toRow("r" + i, Tensor.wrap(data, 1, 32, 32)));
    }
    String firstHalf = tmp.resolve("first.parquet").toString();
    String all = tmp.resolve("all.parquet").toString();
    spark.createDataFrame(rows.subList(0, 12), TensorRows.SCHEMA).write().parquet(firstHalf);
    spark.createDataFrame(rows, TensorRows.SCHEMA).repartition(3).write().parquet(all);
    String out = tmp.resolve("features.parquet").toString();
    var incremental = InferenceJob.Mode.INCREMENTAL;

    RunSummary first = InferenceJob.run(spark, lenet,
        new InferenceJob.Options(firstHalf, out, null, 5, 2, incremental, "sha256:a", null, null));
    assertEquals(12, first.ok());
    RunSummary second = InferenceJob.run(spark, lenet,
        new InferenceJob.Options(all, out, null, 5, 2, incremental, "sha256:a", null, null));
    assertEquals(30, second.in());
    assertEquals(18, second.ok());
    assertEquals(12, second.skipped());
    RunSummary third = InferenceJob.run(spark, lenet,
        new InferenceJob.Options(all, out, null, 5, 2, incremental, "sha256:a", null, null));
    assertEquals(0, third.ok());
    assertEquals(30, third.skipped());

    List<Row> written = spark.read().parquet(out).collectAsList();
    assertEquals(30, written.stream().map(r -> r.getString(r.fieldIndex("id"))).distinct().count());
    assertEquals(30, written.size());
    ExecutionContext ctx = new ExecutionContext();
    for (Row row : written) {
      TensorRows.Sample s = TensorRows.decode(row);
      float[] in = TensorRows.decode(rows.get(Integer.parseInt(s.id().substring(1)))).data();
      assertArrayEquals(lenet.forward(Tensor.wrap(in, 1, 1, 32, 32), ctx).toArray(), s.data(), 1e-6f, s.id());
      assertEquals("sha256:a", row.getString(row.fieldIndex(InferenceJob.MODEL)));
    }

    IllegalArgumentException changed = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> InferenceJob.run(spark, lenet, new InferenceJob.Options(all, out, null, 5, 2, incremental, "sha256:b", null, null)));
    assertTrue(changed.getMessage().contains("--recompute") && changed.getMessage().contains("sha256:a"),
        changed.getMessage());

    Path json = tmp.resolve("summary.json");
    second.writeJson(json);
    var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toFile());
    assertEquals(18, tree.get("ok").asLong());
    assertEquals(12, tree.get("skipped").asLong());
    assertEquals("sha256:a", tree.get("model").asText());
    assertTrue(tree.has("rowsPerSecond"), tree.toString());
    // Per-layer time shares name the network's layers and add up to one.
    var shares = tree.get("layerTimeShares");
    assertTrue(shares.has("c1") && shares.has("f7"), shares.toString());
    double sum = 0;
    for (var share : shares) {
      sum += share.asDouble();
    }
    assertEquals(1.0, sum, 1e-9);
  }

  /** Feature extraction: intermediate nodes come out partitioned by node, for any size they accept. */
  @Test
  void outputNodesAreWrittenPerNodeAndOnlyTheirLayersJudgeTheShape() {
    List<Row> rows = new ArrayList<>();
    Map<String, Tensor> inputs = new HashMap<>();
    for (int i = 0; i < 7; i++) {
      int side = i < 5 ? 32 : 40; // 40x40 reaches c1 and s2 fine; only f5 needs 32x32
      float[] data = new float[side * side];
      java.util.Arrays.fill(data, (i + 1) / 8f);
      data[i] = -1;
      inputs.put("n" + i, Tensor.wrap(data, 1, 1, side, side));
      rows.add(TensorRows.toRow("n" + i, Tensor.wrap(data, 1, side, side)));
    }
    String in = tmp.resolve("nodes-in.parquet").toString();
    spark.createDataFrame(rows, TensorRows.SCHEMA).write().parquet(in);
    String out = tmp.resolve("nodes-out.parquet").toString();
    String[] nodes = {"c1", "s2"};
    RunSummary summary = InferenceJob.run(spark, lenet, new InferenceJob.Options(in, out, null, 3, 2,
        InferenceJob.Mode.CREATE, "sha256:n", nodes, null));
    assertEquals(7, summary.ok());
    assertEquals(0, summary.quarantined());
    ExecutionContext ctx = new ExecutionContext();
    for (String node : nodes) {
      List<Row> written = spark.read().parquet(out).where("node = '" + node + "'").collectAsList();
      assertEquals(7, written.size(), node);
      for (Row row : written) {
        TensorRows.Sample s = TensorRows.decode(row);
        Tensor expected = lenet.forward(inputs.get(s.id()), ctx, node)[0];
        assertArrayEquals(Shapes.sample(expected.shape()), s.shape(), node + " " + s.id());
        assertArrayEquals(expected.toArray(), s.data(), 1e-6f, node + " " + s.id());
      }
    }
  }

  /** Features as array<float> for SQL and as ML vectors for MLlib hold the same values as the tensor rows. */
  @Test
  void arrayAndVectorFormatsHoldTheSameFeatures() {
    List<Row> rows = new ArrayList<>();
    Map<String, float[]> expected = new HashMap<>();
    ExecutionContext ctx = new ExecutionContext();
    for (int i = 0; i < 5; i++) {
      float[] data = new float[32 * 32];
      java.util.Arrays.fill(data, i / 5f);
      data[100 + i] = 2;
      rows.add(TensorRows.toRow("f" + i, Tensor.wrap(data, 1, 32, 32)));
      expected.put("f" + i, lenet.forward(Tensor.wrap(data, 1, 1, 32, 32), ctx).toArray());
    }
    String in = tmp.resolve("formats-in.parquet").toString();
    spark.createDataFrame(rows, TensorRows.SCHEMA).write().parquet(in);

    String arrays = tmp.resolve("arrays.parquet").toString();
    InferenceJob.run(spark, lenet, new InferenceJob.Options(in, arrays, null, 2, 2, InferenceJob.Mode.CREATE,
        "sha256:f", null, OutputFormat.array));
    for (Row row : spark.read().parquet(arrays).selectExpr("id", "features", "features[9] AS last").collectAsList()) {
      float[] want = expected.get(row.getString(0));
      List<Float> got = row.getList(1);
      assertEquals(10, got.size());
      for (int k = 0; k < 10; k++) {
        assertEquals(want[k], got.get(k), 1e-6f);
      }
      assertEquals(want[9], row.getFloat(2), 1e-6f);
    }

    String vectors = tmp.resolve("vectors.parquet").toString();
    InferenceJob.run(spark, lenet, new InferenceJob.Options(in, vectors, null, 2, 2, InferenceJob.Mode.CREATE,
        "sha256:f", null, OutputFormat.vector));
    for (Row row : spark.read().parquet(vectors).collectAsList()) {
      float[] want = expected.get(row.getString(row.fieldIndex("id")));
      org.apache.spark.ml.linalg.Vector got = row.getAs(OutputFormat.FEATURES);
      assertEquals(10, got.size());
      for (int k = 0; k < 10; k++) {
        assertEquals(want[k], got.apply(k), 1e-6);
      }
    }
  }

  /** An identity layer that fails the task once armed: a crash in the middle of a job. */
  static class Tripwire implements dev.sparkconv.nn.Layer {
    static final java.util.concurrent.atomic.AtomicInteger CALLS_UNTIL_CRASH = new java.util.concurrent.atomic.AtomicInteger(-1);

    @Override
    public String name() {
      return "tripwire";
    }

    @Override
    public String op() {
      return "tripwire";
    }

    @Override
    public int[] outputShape(int[] in) {
      return in.clone();
    }

    @Override
    public void forward(Tensor in, Tensor out, ExecutionContext ctx) {
      if (CALLS_UNTIL_CRASH.getAndDecrement() == 0) {
        throw new IllegalStateException("tripwire: simulated executor crash");
      }
      System.arraycopy(in.data(), 0, out.data(), 0, in.size());
    }
  }

  /** A layer with a bug in its shape inference: a defect of our code, not of the rows. */
  static final class BuggyShapes extends Tripwire {
    @Override
    public int[] outputShape(int[] in) {
      Object missing = in[1] == 31 ? null : in;
      return missing.hashCode() == 0 ? in : in.clone(); // NullPointerException for a 31-row sample
    }
  }

  @Test
  void aBugInOurCodeFailsTheJobInsteadOfQuarantiningRows() {
    String in = tmp.resolve("bug-in.parquet").toString();
    spark.createDataFrame(List.of(TensorRows.toRow("b0", Tensor.wrap(new float[31 * 31], 1, 31, 31))),
        TensorRows.SCHEMA).write().parquet(in);
    Network buggy = new Network("buggy", new int[] {1, 32, 32}, List.of(new BuggyShapes()));
    Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> InferenceJob.run(spark, buggy,
        new InferenceJob.Options(in, tmp.resolve("bug-out.parquet").toString(), null, 4, 1, false)));
    Throwable cause = e;
    while (cause != null && !(cause instanceof NullPointerException)
        && !String.valueOf(cause.getMessage()).contains("NullPointerException")) {
      cause = cause.getCause();
    }
    assertTrue(cause != null, "the job fails with the bug's NullPointerException, not a quarantine row: " + e);
  }

  @Test
  void aRerunAfterACrashCompletesTheOutputExactlyOnce() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      float[] data = new float[32 * 32];
      java.util.Arrays.fill(data, (i % 7) / 7f);
      data[i] = 1;
      rows.add(TensorRows.toRow("c" + i, Tensor.wrap(data, 1, 32, 32)));
    }
    String in = tmp.resolve("crash-in.parquet").toString();
    spark.createDataFrame(rows, TensorRows.SCHEMA).write().parquet(in);
    List<dev.sparkconv.nn.Layer> layers = new ArrayList<>(lenet.layers());
    layers.add(1, new Tripwire());
    Network wired = new Network("lenet5", new int[] {1, 32, 32}, layers);
    var incremental = InferenceJob.Mode.INCREMENTAL;
    String reference = tmp.resolve("uninterrupted.parquet").toString();
    String out = tmp.resolve("crashed.parquet").toString();

    Tripwire.CALLS_UNTIL_CRASH.set(-1);
    InferenceJob.run(spark, wired, new InferenceJob.Options(in, reference, null, 4, 4, incremental, "m", null, null));
    Tripwire.CALLS_UNTIL_CRASH.set(5); // the sixth batch of the run fails its task, and with it the job
    org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> InferenceJob.run(spark, wired,
        new InferenceJob.Options(in, out, null, 4, 4, incremental, "m", null, null)));
    Tripwire.CALLS_UNTIL_CRASH.set(-1);
    RunSummary rerun = InferenceJob.run(spark, wired,
        new InferenceJob.Options(in, out, null, 4, 4, incremental, "m", null, null));
    assertEquals(40, rerun.in());

    Map<String, float[]> want = new HashMap<>();
    spark.read().parquet(reference).collectAsList()
        .forEach(r -> want.put(r.getString(r.fieldIndex("id")), TensorRows.decode(r).data()));
    List<Row> got = spark.read().parquet(out).collectAsList();
    assertEquals(40, got.size());
    for (Row r : got) {
      assertArrayEquals(want.remove(r.getString(r.fieldIndex("id"))), TensorRows.decode(r).data(), 0f);
    }
    assertTrue(want.isEmpty(), "missing ids " + want.keySet());
  }

  private static String error(Map<String, Row> rows, String id) {
    Row row = rows.get(id);
    return row.getString(row.fieldIndex("error"));
  }

  @Test
  void batchesOfMixedShapesAreSplitByShape() {
    // A fully convolutional net takes any spatial size; rows of two sizes interleave in one partition.
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      int side = i % 2 == 0 ? 32 : 36;
      rows.add(TensorRows.toRow("r" + i, Tensor.zeros(1, side, side)));
    }
    Network conv = new Network("fcn", new int[] {1, 32, 32}, List.of(lenet.layers().get(0), lenet.layers().get(1)));
    String in = tmp.resolve("shapes.parquet").toString();
    spark.createDataFrame(rows, TensorRows.SCHEMA).coalesce(1).write().parquet(in);
    String out = tmp.resolve("shapes-out.parquet").toString();
    RunSummary summary = InferenceJob.run(spark, conv, new InferenceJob.Options(in, out, null, 4, 1, false));
    assertEquals(6, summary.ok());
    for (Row row : spark.read().parquet(out).collectAsList()) {
      TensorRows.Sample s = TensorRows.decode(row);
      int side = Integer.parseInt(s.id().substring(1)) % 2 == 0 ? 28 : 32;
      assertArrayEquals(new int[] {6, side, side}, s.shape(), s.id());
      assertEquals(Shapes.size(6, side, side), s.data().length);
    }
  }
}
