package dev.sparkconv.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkconv.io.model.ModelLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ConvFeaturizer on the 64 Fashion-MNIST images of fixtures filters/: the same features as infer,
 * refused rows kept with the reason or skipped, struct input, and a Pipeline with LogisticRegression
 * that saves and loads. MLlib's training needs a session without Kryo's registrationRequired.
 */
class ConvFeaturizerTest {
  private static SparkSession spark;
  private static Path dir;
  private static String model;
  private static Dataset<Row> images;

  @TempDir
  Path tmp;

  @BeforeAll
  static void start() throws Exception {
    spark = SparkTestSession.start("ConvFeaturizerTest", false);
    dir = Files.createTempDirectory("featurizer");
    model = dir.resolve("net.json").toString();
    Files.writeString(Path.of(model), "{\"name\":\"small\",\"input_shape\":[1,28,28],\"weights\":{\"init\":\"seeded\","
        + "\"seed\":3},\"layers\":[{\"name\":\"conv\",\"op\":\"conv2d\",\"out_channels\":4,\"kernel\":5,\"stride\":2},"
        + "{\"name\":\"relu\",\"op\":\"relu\"},{\"name\":\"pool\",\"op\":\"adaptive_avgpool\",\"output_size\":2},"
        + "{\"name\":\"flat\",\"op\":\"flatten\"}]}");
    String parquet = dir.resolve("fashion.parquet").toString();
    IdxIngest.run(spark, LearnFiltersTest.fixture("fashion-mnist-64/images-idx3-ubyte.gz"),
        LearnFiltersTest.fixture("fashion-mnist-64/labels-idx1-ubyte.gz"), parquet, false);
    images = spark.read().parquet(parquet).repartition(3).cache();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static Dataset<Row> withBadRow() {
    Row bad = RowFactory.create("broken", List.of(1, 28, 28).toArray(), "uint8", new byte[10], 5);
    return images.union(spark.createDataFrame(List.of(bad), images.schema()));
  }

  private static Map<String, Row> byId(Dataset<Row> rows) {
    Map<String, Row> map = new HashMap<>();
    for (Row r : rows.collectAsList()) {
      map.put(r.getString(r.fieldIndex("id")), r);
    }
    return map;
  }

  @Test
  void featuresEqualInferOutputAndARefusedRowKeepsItsColumnsWithNullFeaturesAndTheReason() throws Exception {
    String input = tmp.resolve("in.parquet").toString();
    withBadRow().write().parquet(input);
    String out = tmp.resolve("out.parquet").toString();
    InferenceJob.run(spark, ModelLoader.load(Path.of(model)), new InferenceJob.Options(input, out, null, 8, 2,
        InferenceJob.Mode.CREATE, "m", null, OutputFormat.vector));
    Map<String, Row> expected = byId(spark.read().parquet(out));

    Map<String, Row> got = byId(new ConvFeaturizer().setModelPath(model).setBatchSize(5).transform(withBadRow()));
    assertEquals(65, got.size());
    Row bad = got.remove("broken");
    assertNull(bad.getAs("features"));
    assertTrue(bad.<String>getAs("error").contains("record 'broken'"), bad.toString());
    assertEquals(5, bad.<Integer>getAs("label"));
    for (var e : got.entrySet()) {
      assertNull(e.getValue().getAs("error"));
      Vector v = e.getValue().getAs("features");
      assertArrayEquals(expected.get(e.getKey()).<Vector>getAs("features").toArray(), v.toArray(), e.getKey());
      assertEquals(16, v.size());
    }
  }

  @Test
  void skipDropsRefusedRowsAndArrayOutputHoldsTheSameValues() {
    Dataset<Row> vectors = new ConvFeaturizer().setModelPath(model).transform(images);
    Dataset<Row> arrays = new ConvFeaturizer().setModelPath(model).setHandleInvalid("skip").setOutputType("array")
        .setOutputCol("f").transform(withBadRow());
    assertEquals(List.of("id", "shape", "dtype", "data", "label", "f"), List.of(arrays.columns()));
    Map<String, Row> a = byId(arrays);
    assertEquals(64, a.size());
    for (var e : byId(vectors).entrySet()) {
      List<Float> values = a.get(e.getKey()).getList(5);
      double[] v = e.getValue().<Vector>getAs("features").toArray();
      for (int i = 0; i < v.length; i++) {
        assertEquals(v[i], values.get(i), 0.0);
      }
    }
  }

  @Test
  void aStructColumnOfTensorsAndAnOutputNodeGiveThatNodesFeatures() {
    Dataset<Row> nested = images.select(functions.col("label"),
        functions.struct("id", "shape", "dtype", "data").alias("image"));
    Map<String, Row> got = byId(new ConvFeaturizer().setModelPath(model).setInputCol("image").setOutputNode("conv")
        .transform(nested).select(functions.col("image.id").alias("id"), functions.col("features")));
    assertEquals(64, got.size());
    assertEquals(4 * 12 * 12, got.values().iterator().next().<Vector>getAs("features").size());
    assertThrows(IllegalArgumentException.class, () -> new ConvFeaturizer().setModelPath(model).setInputCol("label")
        .transform(nested));
  }

  @Test
  void pipelineWithLogisticRegressionSavesLoadsAndPredictsTheSame() throws Exception {
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
        new ConvFeaturizer().setModelPath(model).setBatchSize(16),
        new LogisticRegression().setMaxIter(20)});
    PipelineModel fitted = pipeline.fit(images);
    Map<String, Row> before = byId(fitted.transform(images).select("id", "prediction"));
    String saved = tmp.resolve("pipeline").toString();
    fitted.write().overwrite().save(saved);
    PipelineModel loaded = PipelineModel.load(saved);
    ConvFeaturizer stage = (ConvFeaturizer) loaded.stages()[0];
    assertEquals(model, stage.getOrDefault(stage.modelPath()));
    assertEquals(16, (Integer) stage.getOrDefault(stage.batchSize()));
    Map<String, Row> after = byId(loaded.transform(images).select("id", "prediction"));
    assertEquals(64, after.size());
    for (var e : before.entrySet()) {
      assertEquals(e.getValue().getDouble(1), after.get(e.getKey()).getDouble(1), 0.0, e.getKey());
    }
    pipeline.write().overwrite().save(tmp.resolve("unfitted").toString());
    assertNotNull(((ConvFeaturizer) Pipeline.load(tmp.resolve("unfitted").toString()).getStages()[0]).uid());
  }
}
