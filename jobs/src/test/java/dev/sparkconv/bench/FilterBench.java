package dev.sparkconv.bench;

import dev.sparkconv.jobs.ConvFeaturizer;
import dev.sparkconv.jobs.IdxIngest;
import dev.sparkconv.jobs.LearnFilters;
import dev.sparkconv.jobs.NioLocalFileSystem;
import dev.sparkconv.jobs.SparkconvKryoRegistrator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Feature quality of training-free filters (scripts/bench filters): Fashion-MNIST, features from raw
 * pixels, random filters and k-means filters (with and without ZCA whitening, two k), each through one
 * ML Pipeline of ConvFeaturizer and MLlib's LogisticRegression; prints test accuracy, extraction
 * images/s (a pass over the test set) and k-means seconds per configuration.
 * Args: DATA_DIR WORK_DIR [--train N] [--test N] [--ks 64,256] [--patches N] [--max-iter N].
 */
public final class FilterBench {
  private FilterBench() {}

  record Config(String name, LearnFilters.Init init, LearnFilters.Whiten whiten, int k) {}

  public static void main(String[] args) throws Exception {
    Path data = Path.of(args[0]);
    Path work = Path.of(args[1]);
    int train = 60000;
    int test = 10000;
    int[] ks = {64, 256};
    long patches = 100000;
    int maxIter = 100;
    for (int i = 2; i < args.length; i += 2) {
      switch (args[i]) {
        case "--train" -> train = Integer.parseInt(args[i + 1]);
        case "--test" -> test = Integer.parseInt(args[i + 1]);
        case "--ks" -> ks = java.util.Arrays.stream(args[i + 1].split(",")).mapToInt(Integer::parseInt).toArray();
        case "--patches" -> patches = Long.parseLong(args[i + 1]);
        case "--max-iter" -> maxIter = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Files.createDirectories(work);
    SparkSession spark = SparkSession.builder().master("local[*]").appName("sparkconv bench filters")
        .config("spark.ui.enabled", "false")
        .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .config("spark.kryo.registrator", SparkconvKryoRegistrator.class.getName())
        .config(NioLocalFileSystem.CONF, NioLocalFileSystem.class.getName())
        .config("spark.sql.shuffle.partitions", "4").getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    String trainPath = work.resolve("train.parquet").toString();
    String testPath = work.resolve("test.parquet").toString();
    IdxIngest.run(spark, data.resolve("train-images-idx3-ubyte.gz"), data.resolve("train-labels-idx1-ubyte.gz"), trainPath, true);
    IdxIngest.run(spark, data.resolve("t10k-images-idx3-ubyte.gz"), data.resolve("t10k-labels-idx1-ubyte.gz"), testPath, true);
    int cores = spark.sparkContext().defaultParallelism();
    Dataset<Row> trainSet = first(spark.read().parquet(trainPath), train).repartition(cores).cache();
    Dataset<Row> testSet = first(spark.read().parquet(testPath), test).repartition(cores).cache();
    System.out.printf(Locale.ROOT, "# cpu: %s, %d Spark cores, train %d, test %d, patches %d, LogisticRegression maxIter %d%n",
        cpu(), cores, trainSet.count(), testSet.count(), patches, maxIter);

    List<Config> configs = new ArrayList<>();
    configs.add(new Config("raw pixels", null, null, 0));
    for (int k : ks) {
      configs.add(new Config("random filters + zca", LearnFilters.Init.random, LearnFilters.Whiten.zca, k));
      configs.add(new Config("k-means, no whitening", LearnFilters.Init.kmeans, LearnFilters.Whiten.none, k));
      configs.add(new Config("k-means + zca", LearnFilters.Init.kmeans, LearnFilters.Whiten.zca, k));
    }
    System.out.printf(Locale.ROOT, "%-24s %5s %9s %9s %14s %10s%n", "features", "k", "features", "accuracy",
        "extract img/s", "kmeans s");
    for (Config c : configs) {
      Path dir = work.resolve(c.k() == 0 ? "raw" : c.init() + "-" + c.whiten() + "-k" + c.k());
      double kmeans = 0;
      String model;
      String weights = "";
      if (c.k() == 0) {
        Files.createDirectories(dir);
        model = dir.resolve("model.json").toString();
        Files.writeString(Path.of(model), "{\"name\":\"raw\",\"input_shape\":[1,28,28],\"weights\":{\"init\":\"seeded\","
            + "\"seed\":0},\"layers\":[{\"name\":\"pixels\",\"op\":\"flatten\"}]}");
      } else {
        LearnFilters.Result r = LearnFilters.run(spark, new LearnFilters.Options(trainPath, dir, c.k(), 6, 1, patches,
            c.whiten(), c.init(), 10, 1));
        kmeans = r.kmeansSeconds();
        model = dir.resolve("model.json").toString();
        weights = dir.resolve("filters.safetensors").toString();
      }
      ConvFeaturizer featurizer = new ConvFeaturizer().setModelPath(model).setWeightsPath(weights).setBatchSize(64);
      long start = System.nanoTime();
      featurizer.transform(testSet).write().format("noop").mode("overwrite").save();
      double imagesPerSecond = testSet.count() / ((System.nanoTime() - start) / 1e9);
      LogisticRegression lr = new LogisticRegression().setMaxIter(maxIter).setRegParam(1e-4);
      PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {featurizer, lr}).fit(trainSet);
      double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy")
          .evaluate(fitted.transform(testSet));
      int features = c.k() == 0 ? 784 : 4 * c.k();
      System.out.printf(Locale.ROOT, "%-24s %5s %9d %8.2f%% %14.0f %10.1f%n", c.name(), c.k() == 0 ? "-" : c.k(),
          features, 100 * accuracy, imagesPerSecond, kmeans);
    }
    spark.stop();
  }

  /** The first n samples by their index in the file (ids "<stem>#<index>"). */
  private static Dataset<Row> first(Dataset<Row> rows, int n) {
    return rows.where(functions.substring_index(functions.col("id"), "#", -1).cast("int").lt(n));
  }

  private static String cpu() throws java.io.IOException {
    return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
        .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
  }
}
