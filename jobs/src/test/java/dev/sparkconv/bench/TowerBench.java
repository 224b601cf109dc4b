package dev.sparkconv.bench;

import dev.sparkconv.io.model.ModelLoader;
import dev.sparkconv.jobs.InferenceJob;
import dev.sparkconv.jobs.RunSummary;
import dev.sparkconv.jobs.TensorRows;
import dev.sparkconv.jobs.TowerJob;
import dev.sparkconv.nn.Flatten;
import dev.sparkconv.nn.Linear;
import dev.sparkconv.nn.Network;
import dev.sparkconv.nn.Relu;
import dev.sparkconv.nn.tower.TowerPlan;
import dev.sparkconv.nn.tower.TowerPlanner;
import dev.sparkconv.tensor.Shapes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code scripts/bench towers}: data-parallel (S = 1) beside towers (S = 2, 4) on one cluster, one line per
 * case: weight bytes each executor fetched, shuffle bytes per sample measured (uncompressed) beside the plan's
 * prediction, images/s and the ratio to data-parallel. Args: master, work dir, samples, models (alexnet,
 * large), tower counts.
 */
public final class TowerBench {
  public static void main(String[] args) throws Exception {
    String master = args[0];
    Path work = Path.of(args[1]);
    int samples = Integer.parseInt(args[2]);
    String[] models = args[3].split(",");
    int[] counts = java.util.Arrays.stream(args[4].split(",")).mapToInt(Integer::parseInt).toArray();
    SparkSession spark = SparkSession.builder().master(master).appName("sparkconv bench towers")
        .config("spark.shuffle.compress", "false") // bytes comparable with the plan's float32 prediction
        .config("spark.task.maxFailures", "1") // a model that does not fit fails once, not four times
        .getOrCreate();
    for (String model : models) {
      Network net = model.equals("large") ? large() : ModelLoader.load(Path.of("conf/models/alexnet_two_tower.json"));
      String in = work.resolve(model + "-in.parquet").toString();
      writeInput(spark, net.inputShape(), samples, in);
      double baseline = 0;
      for (int s : counts) {
        String out = work.resolve(model + "-out-" + s + ".parquet").toString();
        var opts = new InferenceJob.Options(in, out, null, 8, 4, true);
        String line;
        try {
          if (s == 1) {
            RunSummary r = InferenceJob.run(spark, net, opts);
            baseline = r.ok() / r.seconds();
            line = String.format(Locale.ROOT, "data-parallel: every executor fetched %d weight bytes; "
                + "%.2f images/s", 4 * net.parameterCount(), baseline);
          } else {
            TowerPlan plan = TowerPlanner.plan(net, s);
            TowerJob.Result r = TowerJob.run(spark, plan, opts);
            double rate = r.summary().ok() / r.summary().seconds();
            line = String.format(Locale.ROOT, "towers: executors fetched %s (tower bytes %s, outside plan %d); "
                + "shuffle/sample written %.0f (plan %d), read %.0f (plan %d); %.2f images/s, %s data-parallel; "
                + "max |towers - single JVM| / max |single JVM| = %.2g",
                r.fetched(), java.util.Arrays.toString(r.towerWeightBytes()), r.bytesFetchedOutsidePlan(),
                r.shuffleWriteBytesPerSample(), r.plannedWriteBytesPerSample(), r.shuffleReadBytesPerSample(),
                r.plannedReadBytesPerSample(), rate,
                baseline > 0 ? String.format(Locale.ROOT, "%.2fx", rate / baseline) : "n/a: no run of",
                difference(spark, net, in, out));
          }
        } catch (Exception e) {
          line = "FAILED: " + String.valueOf(e.getMessage()).lines().findFirst().orElse("");
        }
        System.out.printf(Locale.ROOT, "towers %s S=%d %s%n", model, s, line);
      }
    }
    spark.stop();
  }

  /** The largest difference between the written outputs and this JVM's forward of the whole network, relative. */
  private static double difference(SparkSession spark, Network net, String in, String out) {
    java.util.Map<String, float[]> written = new java.util.HashMap<>();
    for (Row row : spark.read().parquet(out).collectAsList()) {
      written.put(row.getAs(TensorRows.ID), TensorRows.decode(row).data());
    }
    double diff = 0;
    double scale = 0;
    var ctx = new dev.sparkconv.nn.ExecutionContext();
    for (Row row : spark.read().parquet(in).collectAsList()) {
      TensorRows.Sample s = TensorRows.decode(row);
      var y = net.forward(dev.sparkconv.tensor.Tensor.wrap(s.data(), Shapes.batched(1, s.shape())), ctx);
      float[] got = written.get(s.id());
      for (int i = 0; i < got.length; i++) {
        diff = Math.max(diff, Math.abs(got[i] - y.data()[i]));
        scale = Math.max(scale, Math.abs(y.data()[i]));
      }
    }
    return diff / scale;
  }

  /** VGG-16's classifier widened to about 730 MB of float32: (512, 7, 7) -> 6144 -> 4096 -> 1000. */
  static Network large() {
    int in = 512 * 7 * 7;
    return new Network("vgg_fc_large", new int[] {512, 7, 7}, List.of(new Flatten("flatten"),
        linear("fc6", in, 6144), new Relu("relu6"), linear("fc7", 6144, 4096), new Relu("relu7"),
        linear("fc8", 4096, 1000)));
  }

  private static Linear linear(String name, int in, int out) {
    SplittableRandom r = new SplittableRandom(name.hashCode());
    float[] w = new float[in * out];
    float scale = (float) Math.sqrt(2.0 / in);
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (r.nextDouble() * 2 - 1) * scale;
    }
    return new Linear(name, in, out, w, new float[out]);
  }

  private static void writeInput(SparkSession spark, int[] shape, int samples, String path) throws Exception {
    List<Row> rows = new ArrayList<>();
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < samples; i++) {
      float[] x = new float[Shapes.size(shape)];
      for (int j = 0; j < x.length; j++) {
        x[j] = (float) r.nextDouble();
      }
      rows.add(TensorRows.toRow("s" + i, shape, x, 0));
    }
    spark.createDataFrame(rows, TensorRows.SCHEMA).repartition(4).write().mode("overwrite").parquet(path);
    Files.createDirectories(Path.of(path).getParent());
  }
}
