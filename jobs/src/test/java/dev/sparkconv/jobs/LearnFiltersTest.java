package dev.sparkconv.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkconv.io.Npy;
import dev.sparkconv.io.Safetensors;
import dev.sparkconv.io.model.ModelLoader;
import dev.sparkconv.nn.Network;
import dev.sparkconv.tensor.Tensor;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.mllib.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * learn-filters against numpy (normalisation, ZCA) and scikit-learn (k-means) on the patches of
 * fixtures filters/patches (scripts/gen_filter_fixtures.py), and end to end on 64 Fashion-MNIST images.
 */
class LearnFiltersTest {
  private static final double TOL = 1e-4;
  private static SparkSession spark;
  private static JavaSparkContext jsc;

  @TempDir
  Path tmp;

  @BeforeAll
  static void start() {
    spark = SparkTestSession.start("LearnFiltersTest");
    jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static Path fixture(String name) throws Exception {
    return Path.of(LearnFiltersTest.class.getResource("/filters/" + name).toURI());
  }

  private static double[][] rows(String name) throws Exception {
    Tensor t = Npy.readTensor(fixture("patches/" + name + ".npy"));
    int cols = t.rank() == 1 ? t.size() : t.dim(1);
    double[][] out = new double[t.size() / cols][cols];
    for (int i = 0; i < t.size(); i++) {
      out[i / cols][i % cols] = t.data()[i];
    }
    return out;
  }

  private static JavaRDD<org.apache.spark.mllib.linalg.Vector> rdd(double[][] rows, int partitions) {
    return jsc.parallelize(Arrays.stream(rows).map(Vectors::dense).toList(), partitions);
  }

  static void assertClose(double expected, double actual, String what) {
    assertTrue(Math.abs(expected - actual) <= TOL + TOL * Math.abs(expected), what + ": " + actual + " vs " + expected);
  }

  @Test
  void patchNormalisationMatchesNumpy() throws Exception {
    double[][] raw = rows("raw");
    double[][] expected = rows("normalised");
    for (int i = 0; i < raw.length; i++) {
      double[] got = Patches.normalise(raw[i].clone(), Patches.NORM_EPS);
      for (int j = 0; j < got.length; j++) {
        assertClose(expected[i][j], got[j], "patch " + i + " value " + j);
      }
    }
  }

  @Test
  void zcaFromTheDistributedCovarianceMatchesNumpy() throws Exception {
    double[][] patches = rows("normalised");
    int d = patches[0].length;
    double[][] zca = LearnFilters.zca(rdd(patches, 3), d);
    double[] mean = rows("zca_mean")[0];
    double[][] matrix = rows("zca_matrix");
    for (int i = 0; i < d; i++) {
      assertClose(mean[i], zca[1][i], "mean " + i);
      for (int j = 0; j < d; j++) {
        assertClose(matrix[i][j], zca[0][i * d + j], "P[" + i + "][" + j + "]");
      }
    }
  }

  @Test
  void kmeansMatchesScikitLearnFromTheSameCentres() throws Exception {
    double[][] centres = LearnFilters.kmeans(rdd(rows("whitened"), 3), rows("kmeans_init"), 5, 0);
    double[][] expected = rows("kmeans_centres");
    assertEquals(expected.length, centres.length);
    for (int c = 0; c < centres.length; c++) {
      for (int j = 0; j < centres[c].length; j++) {
        assertClose(expected[c][j], centres[c][j], "centre " + c + " value " + j);
      }
    }
  }

  /** 64 Fashion-MNIST images as tensor rows with labels, in {@code partitions} Parquet files. */
  static String ingest(Path tmp, int partitions) throws Exception {
    String all = tmp.resolve("fashion.parquet").toString();
    if (!java.nio.file.Files.exists(Path.of(all))) {
      IdxIngest.run(spark, fixture("fashion-mnist-64/images-idx3-ubyte.gz"),
          fixture("fashion-mnist-64/labels-idx1-ubyte.gz"), all, false);
    }
    String out = tmp.resolve("fashion-" + partitions + ".parquet").toString();
    spark.read().parquet(all).repartition(partitions).write().parquet(out);
    return out;
  }

  private static LearnFilters.Options options(String input, Path out, LearnFilters.Whiten whiten, LearnFilters.Init init) {
    return new LearnFilters.Options(input, out, 8, 6, 1, 3000, whiten, init, 10, 7);
  }

  @Test
  void sameSeedGivesTheSameFiltersOnOneAndThreePartitions() throws Exception {
    Map<String, Tensor> one = null;
    for (int partitions : new int[] {1, 3}) {
      String input = ingest(tmp, partitions);
      Path out = tmp.resolve("filters-" + partitions);
      LearnFilters.Result result = LearnFilters.run(spark, options(input, out, LearnFilters.Whiten.zca,
          LearnFilters.Init.kmeans));
      assertEquals(64, result.images());
      assertTrue(result.patches() > 2000 && result.patches() < 4000, "about 3000 patches: " + result.patches());
      Map<String, Tensor> weights = Safetensors.read(out.resolve("filters.safetensors"));
      if (one == null) {
        one = weights;
        continue;
      }
      for (var e : one.entrySet()) {
        float[] a = e.getValue().data();
        float[] b = weights.get(e.getKey()).data();
        for (int i = 0; i < a.length; i++) {
          assertClose(a[i], b[i], e.getKey() + "[" + i + "]");
        }
      }
    }
  }

  @Test
  void theSpecRunsThroughInferAndGivesTheTriangleFeaturesOfEachImage() throws Exception {
    String input = ingest(tmp, 2);
    Path out = tmp.resolve("filters");
    LearnFilters.run(spark, options(input, out, LearnFilters.Whiten.zca, LearnFilters.Init.kmeans));
    Network net = ModelLoader.load(out.resolve("model.json"), out.resolve("filters.safetensors"));
    String features = tmp.resolve("features.parquet").toString();
    var opts = new InferenceJob.Options(input, features, null, 16, 2, InferenceJob.Mode.CREATE, "test", null,
        OutputFormat.vector);
    RunSummary summary = InferenceJob.run(spark, net, opts);
    assertEquals(64, summary.ok());
    Map<String, Tensor> w = Safetensors.read(out.resolve("filters.safetensors"));
    Tensor bank = Safetensors.read(out.resolve("bank.safetensors")).get("filters");
    Map<String, Row> images = new java.util.HashMap<>();
    for (Row r : spark.read().parquet(input).collectAsList()) {
      images.put(r.getString(r.fieldIndex("id")), r);
    }
    List<Row> rows = spark.read().parquet(features).collectAsList();
    assertEquals(64, rows.size());
    for (Row row : rows.subList(0, 3)) {
      Vector got = row.getAs(OutputFormat.FEATURES);
      double[] expected = reference(TensorRows.decode(images.get(row.getString(0))).data(), bank, w);
      assertEquals(expected.length, got.size());
      for (int i = 0; i < expected.length; i++) {
        assertTrue(Math.abs(expected[i] - got.apply(i)) <= 1e-3 * (1 + Math.abs(expected[i])),
            row.getString(0) + " feature " + i + ": " + got.apply(i) + " vs " + expected[i]);
      }
    }
  }

  /**
   * The paper's extractor written out naively: every 6x6 patch normalised and whitened (P, m from
   * the bias: b = -P m), distances to the centroids, triangle, sums over the four (overlapping) quadrants.
   */
  private static double[] reference(float[] image, Tensor bank, Map<String, Tensor> w) {
    int k = bank.dim(0);
    int d = 36;
    int grid = 28 - 6 + 1;
    int half = (grid + 1) / 2;
    float[] p = w.get("whiten.weight").data();
    float[] b = w.get("whiten.bias").data();
    double[] features = new double[k * 4];
    for (int y = 0; y < grid; y++) {
      for (int x = 0; x < grid; x++) {
        double[] patch = Patches.normalise(Patches.extract(image, new int[] {1, 28, 28}, 6, y, x), Patches.NORM_EPS);
        double[] white = new double[d];
        for (int i = 0; i < d; i++) {
          white[i] = b[i];
          for (int j = 0; j < d; j++) {
            white[i] += p[i * d + j] * patch[j];
          }
        }
        double[] z = new double[k];
        double mean = 0;
        for (int c = 0; c < k; c++) {
          double s = 0;
          for (int j = 0; j < d; j++) {
            double diff = white[j] - bank.data()[c * d + j];
            s += diff * diff;
          }
          z[c] = Math.sqrt(s);
          mean += z[c] / k;
        }
        for (int c = 0; c < k; c++) {
          double f = Math.max(0, mean - z[c]);
          for (int qy = 0; qy < 2; qy++) {
            for (int qx = 0; qx < 2; qx++) {
              boolean inY = qy == 0 ? y < half : y >= grid - half;
              boolean inX = qx == 0 ? x < half : x >= grid - half;
              if (inY && inX) {
                features[c * 4 + qy * 2 + qx] += f;
              }
            }
          }
        }
      }
    }
    return features;
  }
}
