package dev.sparkconv.jobs;

import dev.sparkconv.io.BadRecordException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.mllib.clustering.KMeans;
import org.apache.spark.mllib.clustering.KMeansModel;
import org.apache.spark.mllib.linalg.Vector;
import org.apache.spark.mllib.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Filters without back-propagation (Coates, Lee and Ng 2011), learned on the cluster: patches
 * sampled from every partition by a seeded hash, normalised per patch, ZCA-whitened from a
 * distributed covariance (one treeAggregate), clustered by MLlib's k-means (or drawn at random);
 * the result is a native spec of the whole extractor ({@link ExtractorSpec}).
 */
@Command(name = "learn-filters", mixinStandardHelpOptions = true,
    description = "Learn a single-layer feature extractor from unlabelled Parquet tensor rows (C,H,W, e.g. uint8 "
        + "0..255 pixels): k-means on normalised, whitened patches. Writes OUTPUT/model.json, OUTPUT/filters.safetensors "
        + "(run it with infer --model OUTPUT/model.json --weights OUTPUT/filters.safetensors) and OUTPUT/bank.safetensors.")
public final class LearnFilters implements Callable<Integer> {
  public enum Whiten { zca, none }

  public enum Init { kmeans, random }

  @Option(names = "--input", required = true, description = "Input Parquet tensor rows.")
  String input;

  @Option(names = "--output", required = true, description = "Output folder (on the driver).")
  Path output;

  @Option(names = "--k", defaultValue = "64", description = "Number of filters (default: ${DEFAULT-VALUE}).")
  int k;

  @Option(names = "--size", defaultValue = "6", description = "Patch size in pixels (default: ${DEFAULT-VALUE}).")
  int size;

  @Option(names = "--stride", defaultValue = "1", description = "Stride of the patch grid, when sampling and "
      + "extracting (default: ${DEFAULT-VALUE}).")
  int stride;

  @Option(names = "--patches", defaultValue = "100000", description = "Patches to sample, about (default: ${DEFAULT-VALUE}).")
  long patches;

  @Option(names = "--whiten", defaultValue = "zca", description = "zca or none (default: ${DEFAULT-VALUE}).")
  Whiten whiten;

  @Option(names = "--init", defaultValue = "kmeans", description = "kmeans: MLlib k-means from the lowest-hash patches; "
      + "random: seeded normal filters of unit norm (default: ${DEFAULT-VALUE}).")
  Init init;

  @Option(names = "--iterations", defaultValue = "10", description = "k-means iterations (default: ${DEFAULT-VALUE}, the paper's).")
  int iterations;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the patch choice and random filters (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--master", description = "Spark master (default: spark-submit's, or the launcher's local[*]).")
  String master;

  /** What to learn; {@code output} is a local folder on the driver. */
  public record Options(String input, Path output, int k, int size, int stride, long patches, Whiten whiten, Init init,
      int iterations, long seed) {
    public Options {
      if (k < 1 || size < 1 || stride < 1 || patches < 1 || iterations < 1) {
        throw new IllegalArgumentException("k, size, stride, patches and iterations must be >= 1 but are " + k + ", "
            + size + ", " + stride + ", " + patches + ", " + iterations);
      }
    }
  }

  /** What a run did; kmeansSeconds is the MLlib k-means alone (0 with random filters). */
  public record Result(Path output, long images, long skipped, long patches, int dimension, double kmeansSeconds,
      double seconds) {}

  /** A sampled, normalised patch and the hash key that chose it (a class, not a record: Kryo 4 cannot build records). */
  static final class Patch implements Serializable {
    private final long key;
    private final double[] values;

    Patch(long key, double[] values) {
      this.key = key;
      this.values = values;
    }

    long key() {
      return key;
    }

    double[] values() {
      return values;
    }
  }

  @Override
  public Integer call() throws Exception {
    try (SparkSession spark = Sessions.open("learn-filters", master)) {
      System.out.println(run(spark, new Options(input, output, k, size, stride, patches, whiten, init, iterations, seed)));
    }
    return 0;
  }

  public static Result run(SparkSession spark, Options o) throws java.io.IOException {
    long start = System.nanoTime();
    JavaRDD<Row> rows = spark.read().parquet(o.input()).javaRDD();
    List<int[]> first = rows.map(LearnFilters::shapeOrNull).filter(s -> s != null).take(1);
    if (first.isEmpty()) {
      throw new IllegalArgumentException(o.input() + " has no readable tensor rows");
    }
    int[] shape = first.get(0);
    if (shape.length != 3 || shape[1] < o.size() || shape[2] < o.size()) {
      throw new IllegalArgumentException(o.input() + ": samples have shape " + Arrays.toString(shape)
          + "; learn-filters needs (C, H, W) with H and W >= the patch size " + o.size());
    }
    long total = rows.count();
    long images = rows.filter(r -> Arrays.equals(shape, shapeOrNull(r))).count();
    int gridH = (shape[1] - o.size()) / o.stride() + 1;
    int gridW = (shape[2] - o.size()) / o.stride() + 1;
    double fraction = Math.min(1, o.patches() / ((double) images * gridH * gridW));
    long seed = o.seed();
    int size = o.size();
    int stride = o.stride();
    JavaRDD<Patch> sample = rows.mapPartitions(it -> sample(it, shape, seed, size, stride, gridW, gridH * gridW, fraction))
        .cache();
    long n = sample.count();
    int d = shape[0] * o.size() * o.size();
    if (n < o.k()) {
      throw new IllegalArgumentException("only " + n + " patches sampled for k = " + o.k() + ": raise --patches");
    }

    double[] whitening = null;
    double[] mean = null;
    JavaRDD<Vector> points = sample.map(p -> Vectors.dense(p.values()));
    if (o.whiten() == Whiten.zca) {
      double[][] zca = zca(points, d);
      whitening = zca[0];
      mean = zca[1];
      double[] p = whitening;
      double[] m = mean;
      points = sample.map(s -> Vectors.dense(whiten(s.values(), p, m)));
    }
    points = points.cache();

    long kmeansStart = System.nanoTime();
    double[][] centroids;
    if (o.init() == Init.kmeans) {
      double[][] init = initialCentres(sample, o.k(), whitening, mean);
      centroids = kmeans(points, init, o.iterations(), 1e-4);
    } else {
      centroids = randomFilters(o.k(), d, o.seed());
    }
    double kmeansSeconds = o.init() == Init.kmeans ? (System.nanoTime() - kmeansStart) / 1e9 : 0;
    points.unpersist();
    sample.unpersist();
    ExtractorSpec.write(o.output(), shape, o.size(), o.stride(), centroids, whitening, mean);
    return new Result(o.output(), images, total - images, n, d, kmeansSeconds, (System.nanoTime() - start) / 1e9);
  }

  /**
   * {whitening matrix P (d x d, row-major), mean}: one treeAggregate of the count, the sums and the
   * sums of outer products (in double), then the unbiased covariance and its eigen-decomposition on the driver.
   */
  static double[][] zca(JavaRDD<Vector> points, int d) {
    double[] sums = points.treeAggregate(new double[1 + d + d * d], (acc, v) -> {
      double[] x = v.toArray();
      acc[0]++;
      for (int i = 0; i < d; i++) {
        acc[1 + i] += x[i];
        for (int j = i; j < d; j++) { // upper triangle; mirrored below
          acc[1 + d + i * d + j] += x[i] * x[j];
        }
      }
      return acc;
    }, (a, b) -> {
      for (int i = 0; i < a.length; i++) {
        a[i] += b[i];
      }
      return a;
    });
    double n = sums[0];
    double[] mean = new double[d];
    double[] cov = new double[d * d];
    for (int i = 0; i < d; i++) {
      mean[i] = sums[1 + i] / n;
    }
    for (int i = 0; i < d; i++) {
      for (int j = i; j < d; j++) {
        cov[i * d + j] = cov[j * d + i] = (sums[1 + d + i * d + j] - n * mean[i] * mean[j]) / (n - 1);
      }
    }
    return new double[][] {Zca.whitening(cov, d, Zca.EPS), mean};
  }

  /** MLlib's k-means (Lloyd's iterations) from the given centres; stops early when no centre moves more than epsilon. */
  static double[][] kmeans(JavaRDD<Vector> points, double[][] init, int iterations, double epsilon) {
    Vector[] centres = Arrays.stream(init).map(Vectors::dense).toArray(Vector[]::new);
    KMeansModel model = new KMeans().setK(init.length).setMaxIterations(iterations).setEpsilon(epsilon)
        .setInitialModel(new KMeansModel(centres)).run(points.rdd());
    return Arrays.stream(model.clusterCenters()).map(Vector::toArray).toArray(double[][]::new);
  }

  /**
   * The k distinct patches with the lowest keys (whitened): the same on any partitioning. Blank
   * backgrounds make many patches equal; a repeated centre would be a filter that never wins.
   */
  private static double[][] initialCentres(JavaRDD<Patch> sample, int k, double[] whitening, double[] mean) {
    Comparator<Patch> byKey = (Comparator<Patch> & Serializable) (a, b) -> Long.compare(a.key(), b.key());
    for (int take = 4 * k; ; take *= 4) {
      List<double[]> distinct = new ArrayList<>();
      List<Patch> lowest = sample.takeOrdered(take, byKey);
      for (Patch p : lowest) {
        double[] v = whitening == null ? p.values() : whiten(p.values(), whitening, mean);
        if (distinct.size() < k && distinct.stream().noneMatch(c -> Arrays.equals(c, v))) {
          distinct.add(v);
        }
      }
      if (distinct.size() == k || lowest.size() < take) {
        if (distinct.size() < k) {
          throw new IllegalArgumentException("only " + distinct.size() + " distinct patches for k = " + k);
        }
        return distinct.toArray(double[][]::new);
      }
    }
  }

  /** Normal random filters scaled to unit norm (the random-feature baseline). */
  static double[][] randomFilters(int k, int d, long seed) {
    java.util.Random random = new java.util.Random(seed);
    double[][] filters = new double[k][d];
    for (double[] f : filters) {
      double norm = 0;
      for (int j = 0; j < d; j++) {
        f[j] = random.nextGaussian();
        norm += f[j] * f[j];
      }
      for (int j = 0; j < d; j++) {
        f[j] /= Math.sqrt(norm);
      }
    }
    return filters;
  }

  /** P (x - mean), P symmetric row-major. */
  static double[] whiten(double[] x, double[] p, double[] mean) {
    int d = x.length;
    double[] w = new double[d];
    for (int i = 0; i < d; i++) {
      double s = 0;
      for (int j = 0; j < d; j++) {
        s += p[i * d + j] * (x[j] - mean[j]);
      }
      w[i] = s;
    }
    return w;
  }

  private static int[] shapeOrNull(Row row) {
    try {
      return TensorRows.check(row).shape();
    } catch (BadRecordException bad) {
      return null;
    }
  }

  private static Iterator<Patch> sample(Iterator<Row> rows, int[] shape, long seed, int size, int stride, int gridW,
      int positions, double fraction) {
    List<Patch> out = new ArrayList<>();
    float[] pixels = null;
    while (rows.hasNext()) {
      Row row = rows.next();
      TensorRows.Encoded sample;
      try {
        sample = TensorRows.check(row);
      } catch (BadRecordException bad) {
        continue; // counted as skipped by the driver
      }
      if (!Arrays.equals(sample.shape(), shape)) {
        continue;
      }
      boolean decoded = false;
      for (int pos = 0; pos < positions; pos++) {
        long key = Patches.key(seed, sample.id(), pos);
        if (Patches.chosen(key, fraction)) {
          if (!decoded) { // most rows give no patch or a few: decode only those that do
            pixels = pixels == null ? new float[sample.size()] : pixels;
            sample.decodeInto(pixels, 0);
            decoded = true;
          }
          double[] patch = Patches.extract(pixels, shape, size, pos / gridW * stride, pos % gridW * stride);
          out.add(new Patch(key, Patches.normalise(patch, Patches.NORM_EPS)));
        }
      }
    }
    return out.iterator();
  }
}
